using Microsoft.EntityFrameworkCore;
using SalesCrm.Domain.Activities;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Integrations;
using SalesCrm.Domain.Leads;
using SalesCrm.Domain.Teams;
using Gender = Bogus.DataSets.Name.Gender;

namespace SalesCrm.Data.Demo;

/// <summary>Leads in every state, and the intake through the same path the API uses.</summary>
public sealed partial class DemoDataGenerator
{
    private async Task CreateLeadsAsync(DemoScale scale, CancellationToken ct)
    {
        if (scale.Leads == 0) return;
        var dealsByOwner = _deals.GroupBy(d => d.OwnerId).ToDictionary(g => g.Key, g => g.OrderBy(d => d.CreatedAt).ToList());
        var used = new HashSet<int>();
        await using var db = Open();
        var contacts = new List<(Lead Lead, DateTime At, int Author)>();
        var qualify = new List<(Lead Lead, DealRef Deal, DateTime At)>();
        for (var i = 0; i < scale.Leads; i++)
        {
            var createdAt = _now.AddDays(-Math.Pow(_rnd.NextDouble(), 1.6) * 365).AddMinutes(-_rnd.Next(0, 600));
            if (_rnd.NextDouble() < 0.85) createdAt = WorkingHours(createdAt);
            if (createdAt > _now) createdAt = _now.AddMinutes(-_rnd.Next(3, 60));
            var channel = _rnd.NextDouble() switch
            {
                < 0.35 => LeadChannel.Website,
                < 0.55 => LeadChannel.Phone,
                < 0.67 => LeadChannel.Email,
                < 0.77 => LeadChannel.Messenger,
                < 0.87 => LeadChannel.Campaign,
                < 0.95 => LeadChannel.Referral,
                _ => LeadChannel.Partner,
            };
            // The first leads go one to each seller's territory, so that every inbox has leads whatever the sample.
            var region = i < _sellers.Count && Regions.Any(r => _sellers[i].Territories.Contains(r.Region))
                ? Regions.First(r => _sellers[i].Territories.Contains(r.Region))
                : Regions[_rnd.Next(Regions.Length)];
            Dictionary<string, string>? tags = channel switch
            {
                LeadChannel.Website or LeadChannel.Campaign when _rnd.NextDouble() > 0.1 => new()
                {
                    ["utm_source"] = Pick(["yandex", "google", "vk", "telegram"]),
                    ["utm_campaign"] = Pick(["q4-property", "dms-2026", "cargo-autumn", "brand"]),
                },
                LeadChannel.Partner => new() { ["partner"] = Pick(["Брокер «Риск-Консалт»", "Лизинговая компания «Финлайн»"]) },
                LeadChannel.Referral => new() { ["referrer"] = "Клиент" },
                _ => _rnd.NextDouble() < 0.5 ? new() { ["source"] = channel.ToString().ToLowerInvariant() } : null,
            };
            var g = _faker.PickRandom<Gender>();
            var root = Pick(NameRoots) + Pick(NameRoots).ToLowerInvariant();
            var lead = new Lead(channel, $"ООО «{root}»", _rnd.NextDouble() < 0.6 ? NewInn(region.InnPrefix, false) : null,
                $"{_faker.Name.FirstName(g)} {_faker.Name.LastName(g)}", _rnd.NextDouble() < 0.9 ? RandomMobile() : null,
                $"{Translit(root).ToLowerInvariant()}@{Pick(["mail.ru", "yandex.ru", "gmail.com"])}",
                Pick(_products).Code, region.Region, Pick(Industries),
                Pick(["Нужна страховка склада", "Прошу расчёт ДМС на 120 сотрудников", "Интересует страхование грузов", "Продление полиса, ищем условия лучше", null]),
                tags, createdAt);
            var assignee = _sellers.FirstOrDefault(s => s.Territories.Contains(region.Region))
                           ?? Pick(_sellers.Where(s => s.TeamId == region.Team).ToList());
            var assignedAt = createdAt.AddSeconds(_rnd.Next(1, 90));
            lead.AssignTo(assignee.Id, AssignmentReason.Territory, null, null,
                $"территория: {region.Region}; загрузка {_rnd.Next(20, assignee.Capacity)}/{assignee.Capacity}", assignedAt);
            db.Leads.Add(lead);

            var ageDays = (_now - createdAt).TotalDays;
            if (_rnd.NextDouble() < 0.86)
            {
                var minutes = LogNormal(7, 0.9);
                if (TimeZoneInfo.ConvertTimeFromUtc(createdAt, TimeZone).Hour is < 9 or >= 19) minutes += 12 * 60 * _rnd.NextDouble();
                var contactAt = createdAt.AddMinutes(Math.Min(minutes, 3 * 24 * 60));
                if (contactAt > _now) continue;
                contacts.Add((lead, contactAt, assignee.Id));
                lead.RecordContact(contactAt);
                if (ageDays > 14)
                {
                    if (_rnd.NextDouble() < 0.45 && dealsByOwner.TryGetValue(assignee.Id, out var list))
                    {
                        var deal = list.FirstOrDefault(d => d.CreatedAt > contactAt && !used.Contains(d.Id));
                        if (deal is not null)
                        {
                            used.Add(deal.Id);
                            qualify.Add((lead, deal, deal.CreatedAt));
                            continue;
                        }
                    }
                    if (_rnd.NextDouble() < 0.6)
                        lead.Disqualify(Pick(["Нет потребности", "Частное лицо, не наш сегмент", "Дубль заявки", "Не устроили сроки"]), contactAt.AddDays(_rnd.Next(1, 10)));
                }
            }
            else if (ageDays > 7)
            {
                lead.Disqualify("Не удалось связаться", createdAt.AddDays(_rnd.Next(2, 7)));
            }
        }
        await db.SaveChangesAsync(ct);
        foreach (var (lead, at, author) in contacts)
            db.Activities.Add(new Activity(ActivityKind.Call, at, author, null, null, lead.Id, ActivityDirection.Outbound,
                _rnd.Next(2, 10), "Первый контакт", "Выявили потребность, договорились о следующем шаге", null, at));
        foreach (var (lead, deal, at) in qualify) lead.Qualify(deal.ClientId, deal.Id, at);
        await db.SaveChangesAsync(ct);
    }

    // ---------------------------------------------------------------- intake

    /// <summary>
    /// What the lead intake needs to behave as in a live department: the demo API key; the de-duplication keys of
    /// the open leads; team 2 distributing by hand with a few fresh leads waiting in its queue; and capacities
    /// sized to each seller's generated load (70–95 %, the junior of team 1 over it), so that the engine has room.
    /// </summary>
    private async Task CreateIntakeAsync(DemoScale scale, CancellationToken ct)
    {
        await using var db = Open();
        db.ApiKeys.Add(new ApiKey("Сайт и формы (демо)", DemoApiKey, _headId, _now.AddMonths(-6)));
        db.IntegrationSecrets.Add(new IntegrationSecret(IntegrationKind.Telephony, DemoTelephonySecret, _headId, _now.AddMonths(-6)));

        var taken = new HashSet<string>();
        foreach (var (id, inn, phone, email) in (await db.Leads.AsNoTracking()
                     .Where(l => l.Status == LeadStatus.New || l.Status == LeadStatus.InWork)
                     .OrderByDescending(l => l.CreatedAt)
                     .Select(l => new { l.Id, l.Inn, l.PhoneNormalized, l.EmailNormalized }).ToListAsync(ct))
                 .Select(l => (l.Id, l.Inn, l.PhoneNormalized, l.EmailNormalized)))
        {
            foreach (var key in new[] { inn is null ? null : "inn:" + inn, phone is null ? null : "phone:" + phone, email is null ? null : "email:" + email })
                if (key is not null && taken.Add(key)) db.LeadDedupKeys.Add(new LeadDedupKey(key, id));
        }

        if (scale.Leads > 0)
        {
            var team2 = await db.Teams.AsTracking().SingleAsync(t => t.Name == "Команда 2", ct);
            team2.SetAutoAssign(false);
            db.Update(team2);
            var queued = new[]
            {
                ("ООО «Балтийский терминал»", "Санкт-Петербург", "cargo", "Логистика", "Нужна страховка грузов на год, 40 рейсов в месяц", 4),
                ("АО «Невская энергосеть»", "Ленинградская область", "property", "Энергетика", "Прошу расчёт страхования подстанций", 18),
                ("ООО «Северный склад»", "Санкт-Петербург", "property", "Торговля", null, 35),
                ("ООО «Карельский лес»", "Республика Карелия", "liability", "Сельское хозяйство", "Ответственность перед третьими лицами", 52),
            };
            foreach (var (company, region, product, industry, comment, minutesAgo) in queued)
            {
                var at = _now.AddMinutes(-minutesAgo);
                var prefix = Regions.First(r => r.Region == region).InnPrefix;
                var lead = new Lead(LeadChannel.Website, company, NewInn(prefix, false), $"{_faker.Name.FirstName()} {_faker.Name.LastName()}",
                    RandomMobile(), null, product, region, industry, comment,
                    new Dictionary<string, string> { ["utm_source"] = "yandex", ["utm_campaign"] = "q4-property" }, at);
                lead.QueueFor(team2.Id, at);
                db.Leads.Add(lead);
                foreach (var key in lead.DedupKeys().Where(taken.Add)) db.LeadDedupKeys.Add(new LeadDedupKey(key, lead));
            }
        }
        await db.SaveChangesAsync(ct);

        var deals = await db.Deals.AsNoTracking().Where(d => d.Stage != StageCode.Won && d.Stage != StageCode.Lost)
            .GroupBy(d => d.OwnerId).Select(g => new { Owner = g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Owner, x => x.Count, ct);
        var leads = await db.Leads.AsNoTracking().Where(l => l.AssigneeId != null && (l.Status == LeadStatus.New || l.Status == LeadStatus.InWork))
            .GroupBy(l => l.AssigneeId!.Value).Select(g => new { Owner = g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Owner, x => x.Count, ct);
        var sellers = await db.Managers.AsTracking().Where(m => m.Role == StaffRole.Manager).OrderBy(m => m.Email).ToListAsync(ct);
        foreach (var m in sellers)
        {
            var load = deals.GetValueOrDefault(m.Id) + leads.GetValueOrDefault(m.Id);
            var target = m.Email switch { "m4@demo.salescrm" => 1.05, _ when m.Experience == ExperienceLevel.Senior => 0.7, _ => 0.85 };
            var capacity = Math.Clamp((int)Math.Ceiling(load / target / 10.0) * 10, m.Experience switch
            {
                ExperienceLevel.Senior => 80,
                ExperienceLevel.Middle => 60,
                _ => 40,
            }, 1000);
            m.SetProfile(m.Experience, capacity, m.Territories, m.Industries, m.ProductSpecializations);
            db.Update(m);
        }
        await db.SaveChangesAsync(ct);
    }
}
