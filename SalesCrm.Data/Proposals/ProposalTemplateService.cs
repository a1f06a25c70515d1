using Microsoft.EntityFrameworkCore;
using SalesCrm.Data.Access;
using SalesCrm.Data.Common;
using SalesCrm.Data.Proposals.Documents;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Proposals;

namespace SalesCrm.Data.Proposals;

/// <summary>
/// Proposal templates on the settings page: a team lead, the head or an administrator uploads a Word file edited from the built-in
/// template (or their own), for one product or for all; a file whose placeholders are not all known is refused with the list of
/// what is wrong (<see cref="TemplateProblemsException"/>), and nothing is kept. Everyone who makes proposals sees which templates there are.
/// </summary>
public sealed class ProposalTemplateService(IDbContextFactory<CrmDbContext> factory, IUserContext users, SecurityLog security, TimeProvider time)
{
    /// <summary>The name of the template that ships with the app, used while a product has none of its own.</summary>
    public const string BuiltInName = "Встроенный шаблон"; // not UI text: stored as a version's template name; the page translates it on display

    public async Task<IReadOnlyList<ProposalTemplateView>> ListAsync(CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        if (!user.WorksSales) await DenyAsync(user, "list proposal templates", ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await (from t in db.ProposalTemplates.AsNoTracking()
                      where !t.IsArchived
                      join p in db.Products on t.ProductId equals p.Id into products
                      from p in products.DefaultIfEmpty()
                      join m in db.Managers on t.UploadedById equals m.Id
                      orderby t.ProductId == null, t.Name
                      select new ProposalTemplateView(t.Id, t.Name, t.ProductId, p == null ? null : p.Name, t.FileName, t.Size, t.Revision, m.FullName, t.UploadedAt))
            .ToListAsync(ct);
    }

    /// <summary>
    /// Uploads a template (a new one, or a new file for <paramref name="templateId"/>). The file is read up to the limit and its
    /// placeholders checked; a refusal lists every problem, one per line, under the file field.
    /// </summary>
    public async Task<ProposalTemplateView> UploadAsync(int? templateId, string? name, int? productId, string? fileName, Stream content, CancellationToken ct = default)
    {
        var user = await RequireManagerAsync("upload a proposal template", ct);
        var bytes = await ReadAsync(content, ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        if (productId is { } pid && !await db.Products.AnyAsync(p => p.Id == pid, ct)) throw new DomainException("Такого продукта нет.", "ProductId");
        var now = time.GetUtcNow().UtcDateTime;
        ProposalTemplate template;
        if (templateId is { } id)
        {
            template = await db.ProposalTemplates.SingleOrDefaultAsync(t => t.Id == id && !t.IsArchived, ct)
                       ?? throw new NotFoundException("Шаблон не найден — возможно, его убрали в архив.");
            template.Rename(name ?? template.Name, productId);
            Check(fileName, bytes);
            template.Replace(fileName ?? "", bytes, user.ManagerId, now);
        }
        else
        {
            Check(fileName, bytes);
            template = new ProposalTemplate(name ?? "", productId, fileName ?? "", bytes, user.ManagerId, now);
            db.ProposalTemplates.Add(template);
        }
        await db.SaveChangesAsync(ct);
        return (await ListInAsync(db, template.Id, ct))!;
    }

    /// <summary>Takes a template out of use; the proposals made from it keep their files.</summary>
    public async Task ArchiveAsync(int templateId, CancellationToken ct = default)
    {
        await RequireManagerAsync("archive a proposal template", ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var template = await db.ProposalTemplates.SingleOrDefaultAsync(t => t.Id == templateId && !t.IsArchived, ct)
                       ?? throw new NotFoundException("Шаблон не найден — возможно, его уже убрали в архив.");
        template.Archive();
        await db.SaveChangesAsync(ct);
    }

    /// <summary>A template's file, to edit it in Word; the built-in one when <paramref name="templateId"/> is null.</summary>
    public async Task<(string FileName, byte[] Content)> FileAsync(int? templateId, CancellationToken ct = default)
    {
        var user = await users.RequireAsync(ct);
        if (!user.WorksSales) await DenyAsync(user, "download a proposal template", ct);
        if (templateId is not { } id) return ("Шаблон КП.docx", ProposalStarterTemplate.Build()); // not UI text: the file's name
        await using var db = await factory.CreateDbContextAsync(ct);
        var file = await db.ProposalTemplates.AsNoTracking().Where(t => t.Id == id).Select(t => new { t.FileName, t.Content }).SingleOrDefaultAsync(ct)
                   ?? throw new NotFoundException("Шаблон не найден.");
        return (file.FileName, file.Content);
    }

    private static void Check(string? fileName, byte[] content)
    {
        if (!string.Equals(Path.GetExtension(fileName ?? ""), ".docx", StringComparison.OrdinalIgnoreCase))
            throw new DomainException("Шаблон — документ Word в формате .docx (в Word: «Сохранить как» → «Документ Word»).", "File");
        var problems = ProposalTemplateCheck.Problems(content);
        if (problems.Count > 0) throw new TemplateProblemsException(problems);
    }

    private static async Task<byte[]> ReadAsync(Stream content, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > ProposalTemplate.MaxBytes)
                throw new DomainException(new UserText("Шаблон больше {0} МБ — уберите из него крупные картинки.", ProposalTemplate.MaxBytes / 1024 / 1024), "File");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static async Task<ProposalTemplateView?> ListInAsync(CrmDbContext db, int id, CancellationToken ct) =>
        await (from t in db.ProposalTemplates.AsNoTracking()
               where t.Id == id
               join p in db.Products on t.ProductId equals p.Id into products
               from p in products.DefaultIfEmpty()
               join m in db.Managers on t.UploadedById equals m.Id
               select new ProposalTemplateView(t.Id, t.Name, t.ProductId, p == null ? null : p.Name, t.FileName, t.Size, t.Revision, m.FullName, t.UploadedAt))
            .SingleOrDefaultAsync(ct);

    private async Task<CurrentUser> RequireManagerAsync(string what, CancellationToken ct)
    {
        var user = await users.RequireAsync(ct);
        if (!user.LeadsSales) await DenyAsync(user, what, ct);
        return user;
    }

    private async Task DenyAsync(CurrentUser user, string what, CancellationToken ct)
    {
        await security.AccessDeniedAsync(user.Actor, nameof(ProposalTemplate), "-", what, ct);
        throw new AccessDeniedException("Шаблоны КП загружают старший менеджер, начальник отдела и администратор.");
    }
}
