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

// appsettings.json ships next to the binary; the working directory may be anywhere (started from another folder, the
// api ran without its log levels and logged every request and grain placement). Configuration files are read once,
// not watched: a watch on a folder the embedded store writes to handled every write to the database (6% of the CPU).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = ["--hostBuilder:reloadConfigOnChange=false", .. args],
    ContentRootPath = AppContext.BaseDirectory,
});
builder.AddCollaborationApi();

var app = builder.Build();
app.MapCollaborationApi();
return await app.RunCollaborationAsync();
