using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Ppml.Kms.Remote;

namespace Ppml.Kms.Server.Http;

/// <summary>
/// Reads request bodies strictly: JSON media type, at most <see cref="KmsServerOptions.MaxRequestBodySize"/> bytes
/// (Kestrel enforces it too), no unknown members (a misspelt policy field must not silently weaken a policy), required
/// members present, nulls only where allowed, no duplicate members anywhere (two "mrEnclave" in a policy must not mean
/// whichever came last). Every failure is a <see cref="KmsException"/> naming the problem.
/// </summary>
internal static class RequestJson
{
    private static readonly KmsWireJsonContext s_strict = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectNullableAnnotations = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        MaxDepth = 32,
    });

    public static KmsWireJsonContext Strict => s_strict;

    public static async Task<T?> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, bool optional)
        where T : class
    {
        // Whether a body follows: Content-Length, chunked HTTP/1.1, or an HTTP/2 or HTTP/3 stream that did not end with its
        // headers (those carry no Content-Length or Transfer-Encoding; ignoring their body would silently drop options).
        bool canHaveBody = request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody
            ?? (request.ContentLength > 0 || request.Headers.ContainsKey("Transfer-Encoding"));
        if (request.ContentLength is 0 || !canHaveBody)
        {
            return optional ? null : throw NoBody(type);
        }

        if (request.ContentLength > KmsServerOptions.MaxRequestBodySize)
        {
            throw new BadHttpRequestException(
                $"The request body is {request.ContentLength} bytes; at most {KmsServerOptions.MaxRequestBodySize} are accepted.", StatusCodes.Status413PayloadTooLarge);
        }

        if (request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw new BadHttpRequestException(
                $"The request body is '{KmsService.Truncate(request.ContentType ?? "(no Content-Type)")}'; send application/json.", StatusCodes.Status415UnsupportedMediaType);
        }

        // Buffered (at most MaxRequestBodySize, which Kestrel enforces) so a refusal can name a duplicate member in full;
        // the buffer may hold a data key (POST .../wrap), so it is zeroed afterwards.
        using var buffer = new MemoryStream();
        try
        {
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false);
            ReadOnlyMemory<byte> body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
            if (body.IsEmpty)
            {
                return optional ? null : throw NoBody(type);
            }

            // Invalid UTF-8 inside a JSON string passes the reader and fails later, deep in a handler, as a 500.
            if (!System.Text.Unicode.Utf8.IsValid(body.Span))
            {
                throw new KmsException(KmsErrorCode.InvalidRequest, $"The request body is not valid UTF-8; send a {type.Type.Name} as UTF-8 JSON.");
            }

            try
            {
                return JsonSerializer.Deserialize(body.Span, type)
                    ?? throw new KmsException(KmsErrorCode.InvalidRequest, $"The request body is JSON null; send a {type.Type.Name} object.");
            }
            catch (JsonException exception)
            {
                if (DuplicateMembers.Find(body.Span) is { } duplicate)
                {
                    throw new KmsException(
                        KmsErrorCode.InvalidRequest,
                        $"The request body is not a valid {type.Type.Name}: member '{KmsService.Truncate(duplicate)}' appears twice in one object " +
                        $"(Duplicate property '{KmsService.Truncate(duplicate[(duplicate.LastIndexOf('.') + 1)..])}'); send each member once.",
                        exception);
                }

                throw new KmsException(KmsErrorCode.InvalidRequest, $"The request body is not a valid {type.Type.Name}: {OneLine(exception.Message)}", exception);
            }
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(buffer.GetBuffer());
        }
    }

    private static KmsException NoBody(JsonTypeInfo type) =>
        new(KmsErrorCode.InvalidRequest, $"The request needs a JSON body ({type.Type.Name}).");

    private static string OneLine(string message)
    {
        string line = message.ReplaceLineEndings(" ");
        return line.Length <= 300 ? line : line[..300] + "...";
    }
}
