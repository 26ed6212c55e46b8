using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
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
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding")))
        {
            return optional ? null : throw new KmsException(KmsErrorCode.InvalidRequest, $"The request needs a JSON body ({type.Type.Name}).");
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

        try
        {
            return await JsonSerializer.DeserializeAsync(request.Body, type, request.HttpContext.RequestAborted).ConfigureAwait(false)
                ?? throw new KmsException(KmsErrorCode.InvalidRequest, $"The request body is JSON null; send a {type.Type.Name} object.");
        }
        catch (JsonException exception)
        {
            throw new KmsException(KmsErrorCode.InvalidRequest, $"The request body is not a valid {type.Type.Name}: {OneLine(exception.Message)}", exception);
        }
    }

    private static string OneLine(string message)
    {
        string line = message.ReplaceLineEndings(" ");
        return line.Length <= 300 ? line : line[..300] + "...";
    }
}
