using Collaboration.Api.Extensions;
using Collaboration.Api.Keys;
using Collaboration.Api.Operations;
using Collaboration.Api.Security;

// `keys ...` manages API keys and exits (Keys/KeysCommand.cs); `rebuild ...` asks a running service to rebuild
// (Operations/RebuildCommand.cs); anything else runs the service.
if (args is ["keys", ..])
{
    return await KeysCommand.RunAsync(args);
}
if (args is ["rebuild", ..])
{
    return await RebuildCommand.RunAsync(args);
}

// Configuration files are read once, not watched: a watch covers the content root and its subfolders, where the
// embedded store writes by default (api/data), and handled every write to the database (6% of the CPU under load).
var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
builder.AddCollaborationApi();

var app = builder.Build();
app.MapCollaborationApi();
return await app.RunCollaborationAsync();
