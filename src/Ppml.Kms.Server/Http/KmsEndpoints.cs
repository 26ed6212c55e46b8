using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;
using Ppml.Kms.Remote;
using Ppml.Kms.Server.Attestation;
using Ppml.Kms.Server.Storage;

namespace Ppml.Kms.Server.Http;

/// <summary>The versioned REST API (docs/kms.md). Each handler authenticates, calls <see cref="KmsService"/>, writes JSON.</summary>
internal static class KmsEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, KmsService service, CallerAuthentication authentication, TokenService tokens)
    {
        KmsWireJsonContext wire = KmsWireJsonContext.Default;
        KmsWireJsonContext strict = RequestJson.Strict;

        routes.MapGet("/healthz", (HttpContext context, CancellationToken cancellationToken) => WriteTextAsync(context, "application/json", "{\"status\":\"ok\"}"))
            .WithName("Health").WithSummary("Liveness: 200 while the server accepts requests.").Produces(StatusCodes.Status200OK, contentType: "application/json");

        routes.MapGet("/.well-known/jwks.json", (HttpContext context, CancellationToken cancellationToken) => WriteTextAsync(context, "application/json", tokens.JsonWebKeySet()))
            .WithName("Jwks").WithSummary("The public keys (ES256) that sign attestation tokens.").Produces(StatusCodes.Status200OK, contentType: "application/json");

        RouteGroupBuilder v1 = routes.MapGroup("/v1");

        v1.MapPost("/keys", async (HttpContext context, CancellationToken cancellationToken) =>
        {
            ApplicationState caller = authentication.Authenticate(context);
            CreateKeyRequest request = (await RequestJson.ReadAsync(context.Request, strict.CreateKeyRequest, optional: false))!;
            KeyDescription key = await service.CreateKeyAsync(caller, request);
            await WriteAsync(context, StatusCodes.Status201Created, key, wire.KeyDescription);
        }).WithName("CreateKey").WithSummary("Create a primary key (version 1), optionally with a release policy.")
            .Accepts<CreateKeyRequest>("application/json").Produces<KeyDescription>(StatusCodes.Status201Created).WithProblems();

        v1.MapGet("/keys", (HttpContext context, CancellationToken cancellationToken) =>
        {
            ApplicationState caller = authentication.Authenticate(context);
            return WriteAsync(context, StatusCodes.Status200OK, service.ListKeys(caller), wire.IReadOnlyListKeyDescription);
        }).WithName("ListKeys").WithSummary("The keys the caller may use.").Produces<IReadOnlyList<KeyDescription>>().WithProblems();

        v1.MapGet("/keys/{name}", (HttpContext context, string name) =>
        {
            ApplicationState caller = authentication.Authenticate(context);
            return WriteAsync(context, StatusCodes.Status200OK, service.DescribeKey(caller, name), wire.KeyDescription);
        }).WithName("DescribeKey").WithSummary("A key's versions, state and release policy (never its material).").Produces<KeyDescription>().WithProblems();

        v1.MapPost("/keys/{name}/rotate", async (HttpContext context, string name) =>
        {
            ApplicationState caller = authentication.Authenticate(context);
            await WriteAsync(context, StatusCodes.Status200OK, await service.RotateKeyAsync(caller, name), wire.KeyDescription);
        }).WithName("RotateKey").WithSummary("Add a version; new data keys use it, old versions still unwrap.").Produces<KeyDescription>().WithProblems();

        v1.MapPost("/keys/{name}/disable", async (HttpContext context, string name) =>
        {
            ApplicationState caller = authentication.Authenticate(context);
            await WriteAsync(context, StatusCodes.Status200OK, await service.DisableKeyAsync(caller, name), wire.KeyDescription);
        }).WithName("DisableKey").WithSummary("Stop generating and unwrapping under the key (admin).").Produces<KeyDescription>().WithProblems();

        v1.MapPut("/keys/{name}/access", async (HttpContext context, string name) =>
        {
            ApplicationState caller = authentication.Authenticate(context);
            SetKeyAccessRequest request = (await RequestJson.ReadAsync(context.Request, strict.SetKeyAccessRequest, optional: false))!;
            await WriteAsync(context, StatusCodes.Status200OK, await service.SetKeyAccessAsync(caller, name, request), wire.KeyDescription);
        }).WithName("SetKeyAccess").WithSummary("Replace a key's producers and/or readers (admin).")
            .Accepts<SetKeyAccessRequest>("application/json").Produces<KeyDescription>().WithProblems();

        v1.MapPost("/keys/{name}/datakey", async (HttpContext context, string name) =>
        {
            ApplicationState caller = authentication.Authenticate(context);
            GenerateDataKeyRequest request = await RequestJson.ReadAsync(context.Request, strict.GenerateDataKeyRequest, optional: true) ?? new GenerateDataKeyRequest();
            DataKeyResponse response = await service.GenerateDataKeyAsync(caller, name, request.IncludePlaintext);
            await WriteAsync(context, StatusCodes.Status200OK, response, wire.DataKeyResponse);
        }).WithName("GenerateDataKey").WithSummary("A fresh 256-bit data key wrapped under the current version (plaintext on request; for a key with a release policy, to admins and producers only).")
            .Accepts<GenerateDataKeyRequest>("application/json").Produces<DataKeyResponse>().WithProblems();

        v1.MapPost("/keys/{name}/wrap", async (HttpContext context, string name) =>
        {
            ApplicationState caller = authentication.Authenticate(context);
            WrapDataKeyRequest request = (await RequestJson.ReadAsync(context.Request, strict.WrapDataKeyRequest, optional: false))!;
            WrapDataKeyResponse response = await service.WrapDataKeyAsync(caller, name, request);
            await WriteAsync(context, StatusCodes.Status200OK, response, wire.WrapDataKeyResponse);
        }).WithName("WrapDataKey").WithSummary("Wrap a 32-byte data key created in a TEE under the current version (release policy: attested TEE, admin or producer).")
            .Accepts<WrapDataKeyRequest>("application/json").Produces<WrapDataKeyResponse>().WithProblems();

        v1.MapPost("/keys/{name}/unwrap", async (HttpContext context, string name) =>
        {
            ApplicationState caller = authentication.Authenticate(context);
            UnwrapRequest request = (await RequestJson.ReadAsync(context.Request, strict.UnwrapRequest, optional: false))!;
            UnwrapResponse response = await service.UnwrapAsync(caller, name, request);
            await WriteAsync(context, StatusCodes.Status200OK, response, wire.UnwrapResponse);
        }).WithName("UnwrapDataKey").WithSummary("Unwrap a data key: in plaintext, or (release policy) encrypted to the attested TEE's runtime key.")
            .Accepts<UnwrapRequest>("application/json").Produces<UnwrapResponse>().WithProblems();

        v1.MapPost("/attest", async (HttpContext context, CancellationToken cancellationToken) =>
        {
            ApplicationState caller = authentication.Authenticate(context);
            AttestRequest request = (await RequestJson.ReadAsync(context.Request, strict.AttestRequest, optional: false))!;
            AttestResponse response = await service.AttestAsync(caller, request, context.RequestAborted);
            await WriteAsync(context, StatusCodes.Status200OK, response, wire.AttestResponse);
        }).WithName("Attest").WithSummary("Verify evidence against a policy; returns an ES256 attestation token bound to the runtime key.")
            .Accepts<AttestRequest>("application/json").Produces<AttestResponse>().WithProblems();

        v1.MapGet("/policies", (HttpContext context, CancellationToken cancellationToken) =>
        {
            authentication.Authenticate(context);
            return WriteAsync(context, StatusCodes.Status200OK, service.ListPolicies(), wire.IReadOnlyListAttestationPolicyDocument);
        }).WithName("ListPolicies").WithSummary("Registered attestation policies.").Produces<IReadOnlyList<AttestationPolicyDocument>>().WithProblems();

        v1.MapGet("/policies/{id}", (HttpContext context, string id) =>
        {
            authentication.Authenticate(context);
            return WriteAsync(context, StatusCodes.Status200OK, service.GetPolicy(id), wire.AttestationPolicyDocument);
        }).WithName("GetPolicy").WithSummary("One attestation policy.").Produces<AttestationPolicyDocument>().WithProblems();

        v1.MapPut("/policies/{id}", async (HttpContext context, string id) =>
        {
            ApplicationState caller = authentication.Authenticate(context);
            SetPolicyRequest request = (await RequestJson.ReadAsync(context.Request, strict.SetPolicyRequest, optional: false))!;
            await WriteAsync(context, StatusCodes.Status200OK, await service.SetPolicyAsync(caller, id, request), wire.AttestationPolicyDocument);
        }).WithName("SetPolicy").WithSummary("Register or replace an attestation policy (admin).")
            .Accepts<SetPolicyRequest>("application/json").Produces<AttestationPolicyDocument>().WithProblems();

        v1.MapPost("/apps", async (HttpContext context, CancellationToken cancellationToken) =>
        {
            ApplicationState caller = authentication.Authenticate(context);
            CreateApplicationRequest request = (await RequestJson.ReadAsync(context.Request, strict.CreateApplicationRequest, optional: false))!;
            (ApplicationState application, string apiKey) = await service.CreateApplicationAsync(caller, request);
            await WriteAsync(context, StatusCodes.Status201Created, application.ToDescription(apiKey), wire.ApplicationDescription);
        }).WithName("CreateApplication").WithSummary("Register an application; the response holds its API key, shown once (admin).")
            .Accepts<CreateApplicationRequest>("application/json").Produces<ApplicationDescription>(StatusCodes.Status201Created).WithProblems();

        v1.MapGet("/apps", (HttpContext context, CancellationToken cancellationToken) =>
        {
            ApplicationState caller = authentication.Authenticate(context);
            return WriteAsync(context, StatusCodes.Status200OK, service.ListApplications(caller), wire.IReadOnlyListApplicationDescription);
        }).WithName("ListApplications").WithSummary("Registered applications, without keys (admin).").Produces<IReadOnlyList<ApplicationDescription>>().WithProblems();

        v1.MapGet("/audit", (HttpContext context, CancellationToken cancellationToken) =>
        {
            ApplicationState caller = authentication.Authenticate(context);
            long after = QueryNumber(context, "after", 0, 0, long.MaxValue);
            int limit = (int)QueryNumber(context, "limit", 100, 1, 1000);
            return WriteAsync(context, StatusCodes.Status200OK, service.ReadAudit(caller, after, limit), wire.IReadOnlyListAuditRecord);
        }).WithName("ReadAudit").WithSummary("Audit records after a sequence number (admin).").Produces<IReadOnlyList<AuditRecord>>().WithProblems();

        v1.MapGet("/audit/verify", (HttpContext context, CancellationToken cancellationToken) =>
        {
            ApplicationState caller = authentication.Authenticate(context);
            (long count, long? broken) = service.VerifyAudit(caller);
            string json = broken is null
                ? string.Create(CultureInfo.InvariantCulture, $"{{\"records\":{count},\"intact\":true}}")
                : string.Create(CultureInfo.InvariantCulture, $"{{\"records\":{count},\"intact\":false,\"firstBroken\":{broken}}}");
            return WriteTextAsync(context, "application/json", json);
        }).WithName("VerifyAudit").WithSummary("Recompute the audit hash chain (admin).").Produces(StatusCodes.Status200OK, contentType: "application/json").WithProblems();
    }

    private static RouteHandlerBuilder WithProblems(this RouteHandlerBuilder builder) =>
        builder.Produces<ProblemResponse>(StatusCodes.Status400BadRequest, "application/problem+json")
            .Produces<ProblemResponse>(StatusCodes.Status401Unauthorized, "application/problem+json")
            .Produces<ProblemResponse>(StatusCodes.Status403Forbidden, "application/problem+json")
            .Produces<ProblemResponse>(StatusCodes.Status404NotFound, "application/problem+json");

    private static long QueryNumber(HttpContext context, string name, long fallback, long minimum, long maximum)
    {
        StringValues values = context.Request.Query[name];
        if (values.Count == 0)
        {
            return fallback;
        }

        if (values.Count > 1 || !long.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value < minimum || value > maximum)
        {
            throw new KmsException(KmsErrorCode.InvalidRequest, $"Query parameter '{name}' must be one integer from {minimum} to {maximum}.");
        }

        return value;
    }

    private static Task WriteAsync<T>(HttpContext context, int status, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        return JsonSerializer.SerializeAsync(context.Response.Body, value, type, context.RequestAborted);
    }

    private static Task WriteTextAsync(HttpContext context, string contentType, string text)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(text, context.RequestAborted);
    }
}
