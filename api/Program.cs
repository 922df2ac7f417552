using Collaboration.Api.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddCollaborationApi();

var app = builder.Build();
app.MapCollaborationApi();
app.Run();
