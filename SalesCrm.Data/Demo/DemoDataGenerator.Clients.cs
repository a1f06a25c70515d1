using Microsoft.EntityFrameworkCore;
using SalesCrm.Domain.Clients;
using SalesCrm.Domain.Common;
using SalesCrm.Domain.Deals;
using SalesCrm.Domain.Teams;
using Gender = Bogus.DataSets.Name.Gender;

namespace SalesCrm.Data.Demo;

/// <summary>Clients with their contacts, INNs and the deliberately broken legacy records.</summary>
public sealed partial class DemoDataGenerator
{
    private async Task CreateClientsAsync(DemoScale scale, CancellationToken ct)
    {
        var made = 0;
        while (made < scale.Clients)
        {
            await using var db = Open();
            var batch = new List<Client>();
            var count = Math.Min(scale.ChunkSize, scale.Clients - made);
            for (var i = 0; i < count; i++, made++) batch.Add(MakeClient(made, batch));
            db.Clients.AddRange(batch);
            await SaveBulkAsync(db, ct);
            foreach (var c in batch)
            {
                var team = _sellers.First(s => s.Id == c.OwnerId).TeamId;
                _clients.Add(new ClientRef(c.Id, c.OwnerId, team, c.Region, c.Industry));
            }
        }
    }

    private Client MakeClient(int index, List<Client> batch)
    {
        var region = Regions[_rnd.Next(Regions.Length)];
        // The demo's two teams split the regions; a department-sized dataset spreads its clients over all its teams in turn.
        var teamId = _teamIds.Count > 2 ? _teamIds[index % _teamIds.Count] : _teamIds[region.Team - 1];
        var teamSellers = _sellersOfTeam[teamId];
        var owner = _rnd.NextDouble() < 0.8
            ? teamSellers.FirstOrDefault(s => s.Territories.Contains(region.Region)) ?? Pick(teamSellers)
            : Pick(teamSellers);
        var industry = Pick(Industries);
        var createdAt = _now.AddDays(-_rnd.Next(30, 1500)).AddMinutes(_rnd.Next(0, 1440));
        var entrepreneur = _rnd.NextDouble() < 0.08;
        var root = Pick(NameRoots) + Pick(NameRoots).ToLowerInvariant();
        string name;
        if (entrepreneur)
        {
            var g = _faker.PickRandom<Gender>();
            name = $"ИП {_faker.Name.LastName(g)} {_faker.Name.FirstName(g)[0]}. {(g == Gender.Male ? Pick(MalePatronymics) : Pick(FemalePatronymics))[0]}.";
        }
        else
        {
            var form = _rnd.NextDouble() switch { < 0.72 => "ООО", < 0.92 => "АО", _ => "ПАО" };
            name = $"{form} «{root}{Pick(NameTails)}»";
        }
        var segment = entrepreneur ? ClientSegment.Small : _rnd.NextDouble() switch
        {
            < 0.35 => ClientSegment.Small,
            < 0.75 => ClientSegment.Medium,
            < 0.95 => ClientSegment.Large,
            _ => ClientSegment.Enterprise,
        };

        Client client;
        var roll = _rnd.NextDouble();
        if (roll < 0.012 && batch.Count > 10)
        {
            // A duplicate carried over from the old system: same INN, the name typed differently.
            var original = batch[_rnd.Next(batch.Count)];
            var sloppyName = original.Name.Replace("ООО «", "").Replace("ПАО «", "").Replace("АО «", "").Replace("»", "") + " ООО";
            client = Client.FromLegacy(sloppyName, original.Inn, null, original.Industry, original.Region, original.Segment,
                Pick(teamSellers).Id, createdAt);
            client.SetContacts(original.Phone, null, null);
            return client;
        }
        if (roll < 0.03)
        {
            // A legacy record whose INN fails the checksum or has the wrong length.
            var valid = NewInn(region.InnPrefix, entrepreneur);
            var broken = _rnd.NextDouble() < 0.7
                ? valid[..^1] + (char)('0' + (valid[^1] - '0' + 1 + _rnd.Next(8)) % 10)
                : valid[..^1];
            client = Client.FromLegacy(name, broken, null, industry, region.Region, segment, owner.Id, createdAt);
        }
        else
        {
            var inn = Inn.Parse(NewInn(region.InnPrefix, entrepreneur));
            var kpp = entrepreneur ? null : inn.Value[..4] + "01001";
            client = new Client(name, inn, kpp, industry, region.Region, segment, owner.Id, createdAt);
        }

        // The site of this company: its own name, so that two companies sharing a word in their names do not share an e-mail.
        var domain = Translit(name).ToLowerInvariant() + ".ru";
        client.SetContacts(RandomPhone(region.InnPrefix), _rnd.NextDouble() < 0.85 ? "info@" + domain : null,
            $"{region.Region}, {_faker.Address.StreetAddress()}");
        client.SetBranches(segment switch
        {
            ClientSegment.Enterprise => _rnd.Next(10, 60),
            ClientSegment.Large => _rnd.Next(2, 15),
            ClientSegment.Medium => _rnd.Next(0, 4),
            _ => 0,
        });
        client.MarkKey(segment >= ClientSegment.Large && _rnd.NextDouble() < 0.5);
        // A few clients came over from the old CRM with a hand-over it recorded without a reason (derived from the index, so the
        // random sequence of the dataset stays the same).
        if (index % 97 == 41 && teamSellers.Count > 1)
            client.HandOverFromLegacy(teamSellers.First(t => t.Id != owner.Id).Id, teamSellers[0].Id, createdAt.AddDays(index % 20 + 1));

        if (_rnd.NextDouble() > 0.03)
        {
            var contacts = _rnd.Next(1, 4);
            for (var c = 0; c < contacts; c++)
            {
                var g = _faker.PickRandom<Gender>();
                var first = _faker.Name.FirstName(g);
                var last = _faker.Name.LastName(g);
                var patronymic = g == Gender.Male ? Pick(MalePatronymics) : Pick(FemalePatronymics);
                var hasPhone = _rnd.NextDouble() < 0.9;
                var hasEmail = _rnd.NextDouble() < 0.8;
                client.AddContact($"{last} {first} {patronymic}", Pick(Positions), hasPhone ? RandomMobile() : null,
                    hasEmail ? $"{Translit(first)[0]}.{Translit(last)}@{domain}".ToLowerInvariant() : null,
                    c == 0 && _rnd.NextDouble() < 0.85, createdAt);
            }
            if (client.Contacts.Count > 1 && _rnd.NextDouble() < 0.04)
                client.MakeDecisionMaker(client.Contacts[^1], _now.AddDays(-_rnd.Next(5, 120)));
        }
        if (_rnd.NextDouble() < 0.04)
            client.RecordSignal(ClientSignalKind.Complaint, _now.AddDays(-_rnd.Next(1, 200)),
                Pick(["Задержка выплаты по убытку", "Недоволен сроками согласования", "Жалоба на работу ассистанса"]));

        if (_rnd.NextDouble() < 0.7)
        {
            var high = _rnd.NextDouble() < 0.1;
            int Index() => high ? _rnd.Next(60, 99) : _rnd.Next(5, 55);
            client.UpdateRisk(new RiskIndices(Index(), Index(), Index()), "СПАРК", _now.AddDays(-_rnd.Next(1, 90)));
        }

        if (_rnd.NextDouble() < 0.5)
        {
            var years = _rnd.Next(1, 5);
            for (var y = 1; y <= years; y++)
            {
                var premiums = Math.Round((decimal)LogNormal(1_500_000, 0.9) / 1000m) * 1000m;
                var lossRatio = Math.Min(1.6, LogNormal(0.35, 0.8));
                client.RecordPremiumLoss(_today.Year - y, Money.FromRubles(premiums),
                    Money.FromRubles(Math.Round(premiums * (decimal)lossRatio / 1000m) * 1000m));
            }
        }
        return client;
    }
}
