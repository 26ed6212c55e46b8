using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Ppml.Kms.Server.Security;
using Ppml.Kms.Server.Storage;

namespace Ppml.Kms.Server.Http;

/// <summary>Resolves the calling application from <c>Authorization: Bearer &lt;API key&gt;</c>.</summary>
internal sealed class CallerAuthentication
{
    private static readonly byte[] s_dummyHash = new byte[32];
    private readonly KmsStore _store;
    private readonly ILogger _logger;

    public CallerAuthentication(KmsStore store, ILogger logger)
    {
        _store = store;
        _logger = logger;
    }

    public ApplicationState Authenticate(HttpContext context)
    {
        string header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            throw Fail(context, "The request has no API key: send 'Authorization: Bearer <API key>' (ppml: --api-key-file FILE).");
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length > 256)
        {
            throw Fail(context, "The Authorization header is not 'Bearer <API key>'.");
        }

        if (!ApiKeys.TryParse(header.AsSpan(7).Trim(), out string keyId, out byte[] secret))
        {
            throw Fail(context, "The API key is malformed: expected 'ppmlk.<id>.<secret>' as written by the server.");
        }

        bool known = _store.TryGetApplicationByKeyId(keyId, out ApplicationState application);

        // Compare even for an unknown id, so timing tells nothing beyond what the (public) key id already does.
        bool matches = ApiKeys.Matches(secret, known ? application.SecretSha256 : s_dummyHash);
        if (!known || !matches)
        {
            throw Fail(context, "The API key is not valid for this server (unknown or revoked).");
        }

        return application;
    }

    private KmsException Fail(HttpContext context, string reason)
    {
        _logger.AuthenticationFailed(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", reason);
        return new KmsException(KmsErrorCode.Unauthenticated, reason);
    }
}
