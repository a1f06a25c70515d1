using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using SalesCrm.Data.Identity;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Approvals;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Contracts;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Notifications;
using SalesCrm.Domain.Tasks;
using SalesCrm.Domain.Teams;

namespace SalesCrm.Data;

/// <summary>
/// The one database of the CRM, Identity included. Each provider has a subclass with its own
/// migrations (<see cref="Providers"/>); application code only ever sees this type.
/// </summary>
public class CrmDbContext(DbContextOptions options) : IdentityDbContext<AppUser>(options),
    Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.IDataProtectionKeyContext
{
    /// <summary>The Data Protection key ring, shared by every web node (a cookie issued by one is valid on the others).</summary>
    public DbSet<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey> DataProtectionKeys =>
        Set<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey>();

    /// <summary>Which node ran which background scan for which period (one row per scan and period, see <see cref="Common.ScanRuns"/>).</summary>
    public DbSet<Common.ScanRun> ScanRuns => Set<Common.ScanRun>();

    public DbSet<Team> Teams => Set<Team>();
    public DbSet<Manager> Managers => Set<Manager>();
    public DbSet<Plan> Plans => Set<Plan>();
    public DbSet<CoachingNote> CoachingNotes => Set<CoachingNote>();
    public DbSet<Domain.Quality.QualitySnapshot> QualitySnapshots => Set<Domain.Quality.QualitySnapshot>();
    public DbSet<Domain.Quality.QualityAudit> QualityAudits => Set<Domain.Quality.QualityAudit>();
    public DbSet<Domain.Diagnostics.RitualMark> RitualMarks => Set<Domain.Diagnostics.RitualMark>();
    public DbSet<Domain.Diagnostics.DiagnosticSnapshot> DiagnosticSnapshots => Set<Domain.Diagnostics.DiagnosticSnapshot>();
    public DbSet<BoardToken> BoardTokens => Set<BoardToken>();
    public DbSet<Client> Clients => Set<Client>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<ClientSignal> ClientSignals => Set<ClientSignal>();
    public DbSet<PremiumLossYear> PremiumLossYears => Set<PremiumLossYear>();
    public DbSet<Lead> Leads => Set<Lead>();
    public DbSet<Assignment> Assignments => Set<Assignment>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<LeadDedupKey> LeadDedupKeys => Set<LeadDedupKey>();
    public DbSet<WebForm> WebForms => Set<WebForm>();
    public DbSet<Domain.Integrations.ConnectorState> ConnectorStates => Set<Domain.Integrations.ConnectorState>();
    public DbSet<Domain.Integrations.ApiKey> ApiKeys => Set<Domain.Integrations.ApiKey>();
    public DbSet<Domain.Integrations.IntegrationSecret> IntegrationSecrets => Set<Domain.Integrations.IntegrationSecret>();
    public DbSet<Identity.SignInFailures> SignInFailures => Set<Identity.SignInFailures>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<PipelineStage> Stages => Set<PipelineStage>();
    public DbSet<Deal> Deals => Set<Deal>();
    public DbSet<DealStageChange> DealStageChanges => Set<DealStageChange>();
    public DbSet<CompetitorOffer> CompetitorOffers => Set<CompetitorOffer>();
    public DbSet<DealParticipant> DealParticipants => Set<DealParticipant>();
    public DbSet<Activity> Activities => Set<Activity>();
    public DbSet<Comment> Comments => Set<Comment>();
    public DbSet<Domain.Files.AttachedFile> AttachedFiles => Set<Domain.Files.AttachedFile>();
    public DbSet<Domain.Proposals.ProposalTemplate> ProposalTemplates => Set<Domain.Proposals.ProposalTemplate>();
    public DbSet<Domain.Proposals.ProposalDocument> ProposalDocuments => Set<Domain.Proposals.ProposalDocument>();
    public DbSet<Domain.Proposals.ProposalOpening> ProposalOpenings => Set<Domain.Proposals.ProposalOpening>();
    public DbSet<Domain.Engagement.CallScript> CallScripts => Set<Domain.Engagement.CallScript>();
    /// <summary>The content of attached files when <c>Files:Store</c> is <c>Database</c>.</summary>
    public DbSet<Files.FileContent> FileContents => Set<Files.FileContent>();
    public DbSet<PbxRecording> PbxRecordings => Set<PbxRecording>();
    public DbSet<MessengerChat> MessengerChats => Set<MessengerChat>();
    public DbSet<OutboundMessage> OutboundMessages => Set<OutboundMessage>();
    public DbSet<MessageAttachment> MessageAttachments => Set<MessageAttachment>();
    public DbSet<TaskItem> Tasks => Set<TaskItem>();
    public DbSet<ApprovalRequest> ApprovalRequests => Set<ApprovalRequest>();
    public DbSet<ApprovalDecision> ApprovalDecisions => Set<ApprovalDecision>();
    public DbSet<ApprovalPolicy> ApprovalPolicies => Set<ApprovalPolicy>();
    public DbSet<DelegationPolicy> DelegationPolicies => Set<DelegationPolicy>();
    public DbSet<Domain.Calendar.CalendarDay> CalendarDays => Set<Domain.Calendar.CalendarDay>();
    public DbSet<Domain.Catalogues.CatalogueEntry> CatalogueEntries => Set<Domain.Catalogues.CatalogueEntry>();
    public DbSet<SharedExample> SharedExamples => Set<SharedExample>();
    public DbSet<Domain.Reports.ReportArchiveEntry> ReportArchive => Set<Domain.Reports.ReportArchiveEntry>();
    public DbSet<Domain.Contracts.RenewalStep> RenewalSteps => Set<Domain.Contracts.RenewalStep>();
    public DbSet<Contract> Contracts => Set<Contract>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<Domain.Imports.ImportMapping> ImportMappings => Set<Domain.Imports.ImportMapping>();
    public DbSet<Domain.Imports.ImportedRecord> ImportedRecords => Set<Domain.Imports.ImportedRecord>();
    public DbSet<Domain.Imports.ImportRun> ImportRuns => Set<Domain.Imports.ImportRun>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<Domain.Views.SavedView> SavedViews => Set<Domain.Views.SavedView>();

    /// <summary>Who the audit trail names for the changes saved through this context.</summary>
    public Actor Actor { get; set; } = Actor.System;

    /// <summary>
    /// A bulk load (demo data, benchmark datasets): no per-field audit trail and no live events
    /// for rows nobody is watching yet.
    /// </summary>
    public bool BulkLoad { get; set; }

    /// <summary>Events harvested at save time, waiting for the commit (see the event interceptor).</summary>
    internal List<IDomainEvent> PendingEvents { get; } = [];

    /// <summary>When the first save of the pending events began (a Stopwatch timestamp).</summary>
    internal long PendingSince { get; set; }

    /// <summary>The audit interceptor's state between "saving" and "saved" of the current save.</summary>
    internal Interceptors.AuditState? AuditState { get; set; }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(CrmDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is UTC: store as is, read back marked as UTC on every provider.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<NullableUtcConverter>();
    }

    /// <summary>Bumps the version token of every changed versioned record (its owned parts count as the record).</summary>
    private void BumpVersions()
    {
        ChangeTracker.DetectChanges();
        foreach (var entry in ChangeTracker.Entries<IVersioned>())
        {
            if (entry.State != EntityState.Modified && !entry.References.Any(r =>
                    r.Metadata.TargetEntityType.IsOwned() && r.TargetEntry is { State: EntityState.Added or EntityState.Modified or EntityState.Deleted }))
                continue;
            if (entry.State == EntityState.Unchanged) entry.State = EntityState.Modified;
            var version = entry.Property(e => e.Version);
            version.CurrentValue = version.OriginalValue + 1;
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        FollowPendingApprovals(ids => [.. PendingRequestsOf(ids)]);
        BumpVersions();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var changed = DealsChangedUnderPendingRequest();
        if (changed.Count > 0)
        {
            var requests = await PendingRequestsOf([.. changed.Select(d => d.Id)]).ToListAsync(cancellationToken);
            FollowPendingApprovals(_ => requests, changed);
        }
        BumpVersions();
        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>
    /// A deal closed or handed over while its discount request waits: the request follows in the same save, whichever
    /// screen, import or job made the change (<see cref="ApprovalRequest.FollowDealChange"/>).
    /// </summary>
    private void FollowPendingApprovals(Func<List<int>, List<ApprovalRequest>> load, List<Deal>? changed = null)
    {
        changed ??= DealsChangedUnderPendingRequest();
        if (changed.Count == 0) return;
        var requests = load([.. changed.Select(d => d.Id)]);
        foreach (var deal in changed)
            foreach (var change in deal.DomainEvents.ToList())
                foreach (var request in requests.Where(r => r.DealId == deal.Id))
                    request.FollowDealChange(deal, change);
    }

    private List<Deal> DealsChangedUnderPendingRequest() =>
    [
        .. ChangeTracker.Entries<Deal>().Select(e => e.Entity).Where(d => d.ApprovalState == ApprovalState.Pending
            && d.DomainEvents.Any(e => e is DealStageChanged { To: StageCode.Won or StageCode.Lost } or DealReassigned)),
    ];

    private IQueryable<ApprovalRequest> PendingRequestsOf(List<int> dealIds) =>
        ApprovalRequests.Include(r => r.Decisions).Where(r => dealIds.Contains(r.DealId) && r.State == ApprovalRequestState.Pending);

    private sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v, DateTimeKind.Utc),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private sealed class NullableUtcConverter() : ValueConverter<DateTime?, DateTime?>(
        v => v == null ? v : v.Value.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v.Value, DateTimeKind.Utc),
        v => v == null ? v : DateTime.SpecifyKind(v.Value, DateTimeKind.Utc));
}

/// <summary>The person (or the system) the audit trail records for a change.</summary>
public sealed record Actor(int? ManagerId, string Name)
{
    public static Actor System { get; } = new(null, "Система");
}
