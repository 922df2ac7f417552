using Microsoft.Extensions.FileProviders;

namespace Collaboration.Api.Dashboard;

/// <summary>
/// The community managers' page at <c>/dashboard</c>: static files shipped next to the binary (see the project file),
/// which read everything from the JSON API with the visitor's key. The files hold no data, so they are served to
/// anyone, like the OpenAPI document; a strict content policy keeps the page to its own scripts and this origin.
/// </summary>
public static class DashboardPage
{
    public const string Path = "/dashboard";

    private const string ContentPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static WebApplication UseDashboardPage(this WebApplication app)
    {
        var folder = System.IO.Path.Combine(AppContext.BaseDirectory, "Dashboard");
        if (!System.IO.Directory.Exists(folder))
        {
            return app;
        }
        var options = new FileServerOptions { FileProvider = new PhysicalFileProvider(folder), RequestPath = Path, EnableDefaultFiles = true };
        options.StaticFileOptions.OnPrepareResponse = context =>
        {
            var headers = context.Context.Response.Headers;
            headers.ContentSecurityPolicy = ContentPolicy;
            headers.XContentTypeOptions = "nosniff";
            // A new build's page is picked up at once; the files are small.
            headers.CacheControl = "no-cache";
        };
        app.UseFileServer(options);
        return app;
    }
}
