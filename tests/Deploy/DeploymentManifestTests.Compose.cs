namespace Collaboration.Tests.Deploy;

/// <summary>deploy/docker-compose.yml and the Dockerfiles it builds.</summary>
public partial class DeploymentManifestTests
{
    [Fact]
    public void Compose_builds_from_dockerfiles_whose_paths_exist()
    {
        var built = 0;
        foreach (var name in DeployFiles.Compose.Child("services").Keys())
        {
            var build = DeployFiles.Service(name).Child("build");
            if (build is null)
            {
                continue;
            }
            built++;
            // Compose resolves the context from the compose file's folder, and the Dockerfile from the context.
            var context = Path.GetFullPath(Path.Combine(DeployFiles.FullPath("deploy"), build.Text("context") ?? "."));
            var dockerfilePath = Path.Combine(context, build.Text("dockerfile") ?? "Dockerfile");
            Assert.True(File.Exists(dockerfilePath), $"{name}: {dockerfilePath} does not exist");
            var dockerfile = Dockerfile.Read(dockerfilePath);
            Assert.All(dockerfile.ContextSources, source =>
                Assert.True(Path.Exists(Path.Combine(context, source)), $"{name}: COPY {source} is not in the build context"));
            Assert.NotEmpty(dockerfile.Projects);
            Assert.All(dockerfile.Projects, project =>
                Assert.True(File.Exists(Path.Combine(context, project)), $"{name}: project {project} does not exist"));
        }
        Assert.Equal(4, built);
    }

    [Fact]
    public void Dockerfiles_build_on_the_sdk_and_run_as_a_non_root_user_on_the_right_runtime()
    {
        var files = Directory.GetFiles(DeployFiles.FullPath("deploy/docker"), "*.Dockerfile");
        Assert.Equal(2, files.Length);
        foreach (var file in files)
        {
            var dockerfile = Dockerfile.Read(file);
            var images = dockerfile.BaseImages.ToList();
            Assert.True(images.Count >= 2, $"{file}: multi-stage");
            Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", images[0], StringComparison.Ordinal);
            // A web project, or one that references the ASP.NET Core framework (the silo's health listener), needs the
            // ASP.NET Core runtime; anything else only the .NET runtime.
            var project = File.ReadAllText(DeployFiles.FullPath(dockerfile.Projects.Last()));
            var runtime = project.Contains("Microsoft.NET.Sdk.Web", StringComparison.Ordinal)
                || project.Contains("<FrameworkReference Include=\"Microsoft.AspNetCore.App\"", StringComparison.Ordinal) ? "aspnet" : "runtime";
            Assert.Equal($"mcr.microsoft.com/dotnet/{runtime}:10.0", images[^1]);
            var user = dockerfile.FinalStage.LastOrDefault(i => i.Instruction == "USER").Arguments;
            Assert.False(string.IsNullOrEmpty(user) || user is "root" or "0", $"{file}: final stage runs as root");
        }
        var ignored = File.ReadAllLines(DeployFiles.FullPath(".dockerignore")).Select(line => line.Trim()).ToHashSet();
        Assert.Subset(ignored, new HashSet<string> { "**/bin/", "**/obj/", "**/TestResults/", "**/data/" });
    }

    [Fact]
    public void Compose_starts_silos_after_a_healthy_postgres_and_a_finished_migration()
    {
        Assert.NotNull(DeployFiles.Service("postgres").Child("healthcheck", "test"));
        Assert.Equal("service_healthy", DeployFiles.Service("migrate").Text("depends_on", "postgres", "condition"));
        Assert.Equal(["migrate"], DeployFiles.Service("migrate").Child("command").Items().Select(item => item.Text()));
        Assert.Equal(DeployFiles.Service("silo").Text("image"), DeployFiles.Service("migrate").Text("image"));
        foreach (var name in new[] { "silo", "api" })
        {
            Assert.Equal("service_completed_successfully", DeployFiles.Service(name).Text("depends_on", "migrate", "condition"));
        }
    }

    [Fact]
    public void Compose_runs_three_scalable_silos_in_cluster_mode_behind_the_api_on_port_5080()
    {
        var silo = DeployFiles.Service("silo");
        Assert.Equal("3", silo.Text("deploy", "replicas"));
        // Replicas must not share a name, host ports or a fixed advertised address: each advertises its own.
        Assert.Null(silo.Child("container_name"));
        Assert.Null(silo.Child("ports"));
        Assert.DoesNotContain("Orleans__AdvertisedIP", silo.ComposeEnv().Keys);
        Assert.Contains("silo-entrypoint.sh", File.ReadAllText(DeployFiles.FullPath("deploy/docker/silo.Dockerfile")), StringComparison.Ordinal);

        var api = DeployFiles.Service("api");
        var apiEnv = api.ComposeEnv();
        Assert.Contains($"5080:{UrlPort(apiEnv["ASPNETCORE_URLS"])}", api.Child("ports").Items().Select(port => port.Text()));
        foreach (var name in new[] { "migrate", "silo", "api" })
        {
            var env = DeployFiles.Service(name).ComposeEnv();
            Assert.Equal("Cluster", env["Collaboration__Mode"]);
            Assert.StartsWith("Host=postgres;", env["ConnectionStrings__postgres"], StringComparison.Ordinal);
            if (name != "migrate")
            {
                Assert.Equal(silo.ComposeEnv()["Orleans__ClusterId"], env["Orleans__ClusterId"]);
                Assert.Equal(silo.ComposeEnv()["Orleans__ServiceId"], env["Orleans__ServiceId"]);
            }
        }
    }
}
