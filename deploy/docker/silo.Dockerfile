# The silo image. Build from the repository root:
#   docker build -f deploy/docker/silo.Dockerfile -t collaboration-silo .
# `docker run collaboration-silo migrate` applies the schema scripts and exits.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Project files first: the restore layer is reused until a dependency changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY grains.interfaces/Collaboration.Grains.Interfaces.csproj grains.interfaces/
COPY grains/Collaboration.Grains.csproj grains/
COPY silo/Collaboration.Silo.csproj silo/
RUN dotnet restore silo/Collaboration.Silo.csproj
COPY grains.interfaces/ grains.interfaces/
COPY grains/ grains/
COPY silo/ silo/
# The schema scripts are embedded in the grains assembly.
COPY deploy/postgres/ deploy/postgres/
RUN dotnet publish silo/Collaboration.Silo.csproj -c Release --no-restore -o /out

# ASP.NET Core runtime: the silo serves /health/live and /health/ready on Health:Port.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /out .
COPY deploy/docker/silo-entrypoint.sh /app/silo-entrypoint.sh
# 11111 silo-to-silo, 30000 gateway, 8080 health (Health__Port).
ENV Health__Port=8080 \
    ASPNETCORE_HTTP_PORTS=
EXPOSE 11111 30000 8080
# The non-root user that the .NET images ship (APP_UID is set by the base image).
USER $APP_UID
ENTRYPOINT ["/bin/sh", "/app/silo-entrypoint.sh"]
