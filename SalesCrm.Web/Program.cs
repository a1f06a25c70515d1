using SalesCrm.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddSalesCrm();

var app = builder.Build();
await app.InitializeDatabaseAsync();
app.UseSalesCrm();
await app.RunAsync();

/// <summary>Entry point; public so that the tests can host the app with WebApplicationFactory.</summary>
public partial class Program;
