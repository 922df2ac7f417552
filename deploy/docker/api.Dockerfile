# The api image. Build from the repository root:
#   docker build -f deploy/docker/api.Dockerfile -t collaboration-api .
# Without settings it runs the embedded default (one process, SQLite under COLLAB_DATA_DIR); with
# Collaboration__Mode=Cluster it is a gateway client of the silos.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Project files first: the restore layer is reused until a dependency changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY grains.interfaces/Collaboration.Grains.Interfaces.csproj grains.interfaces/
COPY grains/Collaboration.Grains.csproj grains/
COPY api/Collaboration.Api.csproj api/
RUN dotnet restore api/Collaboration.Api.csproj
COPY grains.interfaces/ grains.interfaces/
COPY grains/ grains/
COPY api/ api/
# The dashboard's chart library comes from npm by its lock file during the build (api/Collaboration.Api.csproj).
RUN apt-get update && apt-get install -y --no-install-recommends npm && rm -rf /var/lib/apt/lists/*
# The schema scripts are embedded in the grains assembly, which the api references.
COPY deploy/postgres/ deploy/postgres/
RUN dotnet publish api/Collaboration.Api.csproj -c Release --no-restore -o /out

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /out .
# The api's own default is localhost:5080, unreachable from outside a container. The base image's
# ASPNETCORE_HTTP_PORTS is cleared so that ASPNETCORE_URLS alone decides.
ENV ASPNETCORE_URLS=http://+:5080 \
    ASPNETCORE_HTTP_PORTS= \
    COLLAB_DATA_DIR=/home/app/data
EXPOSE 5080
# The non-root user that the .NET images ship (APP_UID is set by the base image); it owns /home/app.
USER $APP_UID
ENTRYPOINT ["dotnet", "/app/Collaboration.Api.dll"]
