using SalesCrm.Domain.Common;

namespace SalesCrm.Domain.Deals;

/// <summary>The fixed stage codes of the pipeline, in order. Names, probabilities and thresholds are configurable.</summary>
public enum StageCode
{
    New = 1,
    Qualification = 2,
    NeedsAnalysis = 3,
    ProposalSent = 4,
    Negotiation = 5,
    ContractSigning = 6,
    Won = 7,
    Lost = 8,
}

public static class StageCodes
{
    public static readonly IReadOnlyList<StageCode> Open =
        [StageCode.New, StageCode.Qualification, StageCode.NeedsAnalysis, StageCode.ProposalSent,
         StageCode.Negotiation, StageCode.ContractSigning];

    public static readonly IReadOnlyList<StageCode> All = [.. Open, StageCode.Won, StageCode.Lost];

    public static bool IsClosed(this StageCode code) => code is StageCode.Won or StageCode.Lost;

    /// <summary>Stages that presuppose a proposal was sent.</summary>
    public static bool RequiresProposal(this StageCode code) =>
        code is StageCode.ProposalSent or StageCode.Negotiation or StageCode.ContractSigning;

    /// <summary>
    /// What moving a deal to <paramref name="target"/> asks of the user before it is saved: the reason of a loss, a proposal
    /// for a stage that presupposes one when the deal has none, the confirmation of a win. The deal card and the board ask
    /// the same through this rule.
    /// </summary>
    public static StageMoveAsks Asks(this StageCode target, bool hasProposal) => target switch
    {
        StageCode.Lost => StageMoveAsks.LossReason,
        StageCode.Won => StageMoveAsks.WinConfirmation,
        _ when target.RequiresProposal() && !hasProposal => StageMoveAsks.Proposal,
        _ => StageMoveAsks.Nothing,
    };

    public static string DefaultName(this StageCode code) => code switch
    {
        StageCode.New => "Новая",
        StageCode.Qualification => "Квалификация",
        StageCode.NeedsAnalysis => "Анализ потребностей",
        StageCode.ProposalSent => "КП отправлено",
        StageCode.Negotiation => "Переговоры",
        StageCode.ContractSigning => "Подписание договора",
        StageCode.Won => "Выиграна",
        StageCode.Lost => "Проиграна",
        _ => code.ToString(),
    };

    public static int DefaultProbability(this StageCode code) => code switch
    {
        StageCode.New => 5,
        StageCode.Qualification => 10,
        StageCode.NeedsAnalysis => 20,
        StageCode.ProposalSent => 40,
        StageCode.Negotiation => 60,
        StageCode.ContractSigning => 85,
        StageCode.Won => 100,
        _ => 0,
    };
}

/// <summary>Configuration of one pipeline stage: its name, win probability and "stuck after N days" threshold.</summary>
public sealed class PipelineStage
{
    private PipelineStage() { }

    public PipelineStage(StageCode code)
    {
        Code = code;
        Name = code.DefaultName();
        Order = (int)code;
        Probability = code.DefaultProbability();
        StuckAfterDays = code.IsClosed() ? 0 : 14;
    }

    public StageCode Code { get; private set; }
    public string Name { get; private set; } = "";
    public int Order { get; private set; }
    /// <summary>Win probability in percent (0..100).</summary>
    public int Probability { get; private set; }
    /// <summary>An open deal is stuck when its days in this stage exceed this (0 for closed stages).</summary>
    public int StuckAfterDays { get; private set; }

    public bool IsClosed => Code.IsClosed();

    public void Configure(string name, int probability, int stuckAfterDays)
    {
        Name = Guard.Required(name, nameof(Name), "Название этапа", 100);
        if (Code is StageCode.Won or StageCode.Lost)
        {
            Probability = Code.DefaultProbability();
            StuckAfterDays = 0;
            return;
        }
        if (probability is < 0 or > 100)
            throw new DomainException("Вероятность — от 0 до 100 %.", nameof(Probability));
        if (stuckAfterDays is < 1 or > 365)
            throw new DomainException("Порог «застревания» — от 1 до 365 дней.", nameof(StuckAfterDays));
        Probability = probability;
        StuckAfterDays = stuckAfterDays;
    }
}

/// <summary>What a move to a stage asks of the user first (<see cref="StageCodes.Asks"/>).</summary>
public enum StageMoveAsks
{
    Nothing,
    LossReason,
    Proposal,
    WinConfirmation,
}
