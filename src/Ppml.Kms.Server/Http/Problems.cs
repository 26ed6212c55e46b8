using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Ppml.Kms.Remote;

namespace Ppml.Kms.Server.Http;

/// <summary>RFC 9457 problem details with a stable <c>type</c> (<c>urn:ppml:kms:&lt;code&gt;</c>) and the <see cref="KmsErrorCode"/> name.</summary>
internal static class Problems
{
    public static int StatusOf(KmsErrorCode code) => code switch
    {
        KmsErrorCode.KeyNotFound or KmsErrorCode.NotFound => StatusCodes.Status404NotFound,
        KmsErrorCode.KeyExists or KmsErrorCode.Conflict or KmsErrorCode.KeyDisabled => StatusCodes.Status409Conflict,
        KmsErrorCode.InvalidKeyName or KmsErrorCode.InvalidRequest or KmsErrorCode.UnwrapFailed => StatusCodes.Status400BadRequest,
        KmsErrorCode.Unauthenticated => StatusCodes.Status401Unauthorized,
        KmsErrorCode.Forbidden => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status503ServiceUnavailable,
    };

    public static string TitleOf(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthenticated",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        409 => "Conflict",
        411 => "Length required",
        413 => "Request body too large",
        415 => "Unsupported media type",
        431 => "Request headers too large",
        503 => "Service unavailable",
        _ => "Error",
    };

    public static Task WriteAsync(HttpContext context, int status, string code, string detail)
    {
        var problem = new ProblemResponse
        {
            Type = "urn:ppml:kms:" + ToKebab(code),
            Title = TitleOf(status),
            Status = status,
            Detail = detail,
            Code = code,
        };
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"ppml-kms\"";
        }

        return JsonSerializer.SerializeAsync(context.Response.Body, problem, KmsWireJsonContext.Default.ProblemResponse, context.RequestAborted);
    }

    private static string ToKebab(string code)
    {
        var builder = new System.Text.StringBuilder(code.Length + 8);
        foreach (char c in code)
        {
            if (char.IsUpper(c) && builder.Length > 0)
            {
                builder.Append('-');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
