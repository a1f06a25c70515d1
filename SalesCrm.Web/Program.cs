using SalesCrm.Data.Demo;
using SalesCrm.Web;
using SalesCrm.Web.Security;
using SalesCrm.Web.Services;

var builder = WebApplication.CreateBuilder(args);
builder.AddSalesCrm();

var app = builder.Build();

// The one-time command that creates the first administrator of an installation (README, "Production").
if (args.FirstOrDefault() == "create-admin")
{
    await app.Services.GetRequiredService<DatabaseInitializer>().InitializeAsync(demo: false);
    return await BootstrapAdmin.CommandAsync(app.Services, args, Console.Out);
}

try
{
    await app.InitializeDatabaseAsync();
}
catch (StartupRefusedException refused)
{
    await Console.Error.WriteLineAsync(refused.Message);
    return 2;
}
app.UseSalesCrm();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so that the tests can host the app with WebApplicationFactory.</summary>
public partial class Program;
