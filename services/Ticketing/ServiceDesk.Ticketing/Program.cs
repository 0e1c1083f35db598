using ServiceDesk.Hosting;
using ServiceDesk.Ticketing;

var builder = WebApplication.CreateBuilder(args);
builder.AddTicketingService();

var app = builder.Build();
app.MapTicketingService();
return await app.RunServiceAsync();
