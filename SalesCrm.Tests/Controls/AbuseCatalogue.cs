using System.Reflection;
using SalesCrm.Tests.Support;

namespace SalesCrm.Tests.Controls;

/// <summary>
/// The abuse catalogue, beside the access matrix: every way around a business control that was found by trying, and the
/// test that shows it holds — through the surface a user has (service, HTTP API, page, running app) and with nothing
/// written when it refuses. A case without a test, or a test in this folder that no case names, fails the suite.
/// </summary>
[Trait(TestKind.Key, TestKind.Domain)]
public sealed class AbuseCatalogue
{
    public static readonly (string Case, Type Test, string Method)[] Cases =
    [
        ("Базу скидки вводит запросивший — 50 % уходит руководителю как 4,76 %", typeof(DiscountControls), nameof(DiscountControls.AHalfPriceDiscountIsRoutedByTheDealsPremiumNotByATypedBase)),
        ("Премию снижают в «Условиях», в КП или при переводе на канбане без согласования", typeof(DiscountControls), nameof(DiscountControls.ThePremiumIsLoweredOnlyThroughAnApprovedRequest)),
        ("Руководитель согласует собственный запрос", typeof(DiscountControls), nameof(DiscountControls.NobodyDecidesTheirOwnRequest)),
        ("Сделку закрывают, пока запрос ждёт решения", typeof(DiscountControls), nameof(DiscountControls.ADealClosedWhileItsRequestWaitsVoidsTheRequestVisibly)),
        ("Сделку передают в другую группу, пока запрос ждёт решения", typeof(DiscountControls), nameof(DiscountControls.ADealHandedToAnotherTeamWhileItsRequestWaitsIsDecidedByThatTeamsLead)),
        ("ИНН чужого клиента при квалификации лида открывает карточку клиента", typeof(ClientReachControls), nameof(ClientReachControls.QualifyingWithAForeignInnHandsTheLeadToTheOwnerAndShowsNothing)),
        ("«Новый клиент» с чужим ИНН называет клиента другой группы", typeof(ClientReachControls), nameof(ClientReachControls.ANewClientWithAForeignInnIsRefusedWithoutNamingIt)),
        ("Чужого клиента «передают» себе; лид с его ИНН пишет заметку от имени владельца", typeof(ClientReachControls), nameof(ClientReachControls.AForeignClientCannotBeMovedAndALeadWithItsInnIsWrittenAsTheSendersNote)),
        ("Менеджер видит сделки и звонки коллег в «Примерах»", typeof(Data.CoachingServiceTests), nameof(Data.CoachingServiceTests.AManagerSeesColleaguesWorkOnlyWhereTheTeamLeadSharedIt)),
        ("20 одновременных доставок одного звонка", typeof(RedeliveryControls), nameof(RedeliveryControls.TwentyConcurrentDeliveriesOfOneCallAreOneActivity)),
        ("Idempotency-Key с другим телом заявки", typeof(RedeliveryControls), nameof(RedeliveryControls.AKeyReusedWithAnotherBodyIsRefusedAndTheSameBodyIsARepeat)),
        ("Текст стратегии затирается сохранением коллеги", typeof(TextEditControls), nameof(TextEditControls.ATextTypedOverAColleaguesChangeIsRefusedAndTheColleaguesTextStays)),
        ("Двое правят разные тексты одной сделки — один теряет работу", typeof(TextEditControls), nameof(TextEditControls.TwoPeopleEditingTheTwoTextsOfOneDealBothKeepTheirWork)),
        ("Когда правка текста считается столкновением", typeof(TextEditControls), nameof(TextEditControls.ACollisionIsAChangeOverATextThatIsNoLongerThere)),
        ("Текст стратегии затирается, пока пользователь печатает", typeof(Web.DealCardPageRendering), nameof(Web.DealCardPageRendering.AColleaguesChangeOfTheTextBeingTypedIsShownBesideTheUsersOwn)),
        ("Запись при заблокированной базе: половина записана", typeof(BusyDatabaseControls), nameof(BusyDatabaseControls.ASaveThatCannotGetTheLockGivesUpWithNothingWritten)),
        ("Заблокированная база останавливает /health и всё остальное", typeof(BusyDatabaseInTheRunningApp), nameof(BusyDatabaseInTheRunningApp.UnrelatedRequestsAnswerAndWaitingWritesGiveUpCleanly)),
        ("Сохранение при занятой базе — без прогресса и без сообщения", typeof(BusyDatabaseOnTheCard), nameof(BusyDatabaseOnTheCard.ASaveThatWaitsShowsProgressThenAClearMessageAndWritesNothing)),
        ("Подобранные ключи API не ограничиваются", typeof(ApiThrottleControls), nameof(ApiThrottleControls.MadeUpKeysAreThrottledPerAddressAndAValidKeyIsStillServed)),
        ("Выход и смена языка без токена формы", typeof(StateChangeControls), nameof(StateChangeControls.SignOutAndTheLanguageSwitchNeedTheFormsToken)),
        ("Подделанный ReturnUrl или redirect — ответ 500", typeof(StateChangeControls), nameof(StateChangeControls.ACraftedReturnAddressIsIgnored)),
        ("Выгрузки кэшируются", typeof(StateChangeControls), nameof(StateChangeControls.AnExportIsNeverCached)),
        ("NUL в адресе", typeof(StateChangeControls), nameof(StateChangeControls.ANulInTheAddressIsRefusedInRussianNotA500)),
        ("NUL в тексте на PostgreSQL — ответ 500", typeof(Data.PostgreSqlDataLayer), nameof(Data.DataLayerContract.ANulCharacterIsRefusedInRussianOnEveryProvider)),
        ("Управляющие, bidi- и невидимые символы в полях", typeof(Web.BadInputOnApis), nameof(Web.BadInputOnApis.IsAnsweredWithARussianMessageOnTheFieldAndWritesNothing)),
        ("Доступ по адресу, выгрузке и через хаб", typeof(AccessMatrix), nameof(AccessMatrix.EveryPageAndExportForEveryRoleIsAllowedOrDeniedAsExpectedAndExportsHoldOnlyVisibleRecords)),
    ];

    [Fact]
    public void EveryCaseHasItsTest()
    {
        foreach (var (@case, test, method) in Cases)
        {
            var found = test.GetMethod(method, BindingFlags.Public | BindingFlags.Instance | BindingFlags.FlattenHierarchy);
            Assert.True(found is not null && found.GetCustomAttributes<FactAttribute>(inherit: true).Any(), $"«{@case}»: {test.Name}.{method} is not a test");
        }
    }

    [Fact]
    public void EveryControlTestIsACase()
    {
        var named = Cases.Select(c => (c.Test, c.Method)).ToHashSet();
        var controls = typeof(AbuseCatalogue).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(AbuseCatalogue).Namespace && t != typeof(AbuseCatalogue) && t != typeof(AccessMatrix) && !t.IsNested);
        foreach (var type in controls)
            foreach (var method in type.GetMethods().Where(m => m.GetCustomAttributes<FactAttribute>(inherit: true).Any()))
                Assert.True(named.Contains((type, method.Name)), $"{type.Name}.{method.Name} is in the controls folder but no case of the catalogue names it");
    }
}
