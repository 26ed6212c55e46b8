using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Ppml.Attestation.Internal;

namespace Ppml.Attestation.Collateral;

/// <summary>Splits Intel PCS bodies (<c>{"tcbInfo": {...}, "signature": "hex"}</c>) into signed bytes and signature.</summary>
internal static class SignedCollateral
{
    private static readonly JsonWriterOptions s_compact = new()
    {
        Indented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Finds the signed object under one of <paramref name="keys"/> and the hex <c>signature</c>.</summary>
    public static (byte[] Body, byte[] Signature) SplitPcsBody(byte[] json, string[] keys, string input)
    {
        using JsonDocument document = JsonReading.Parse(json, input);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw JsonReading.Error(input, "$", $"must be a JSON object like {{\"{keys[0]}\": {{...}}, \"signature\": \"...\"}}");
        }

        foreach (string key in keys)
        {
            if (root.TryGetProperty(key, out JsonElement body))
            {
                if (body.ValueKind != JsonValueKind.Object)
                {
                    throw JsonReading.Error(input, key, $"must be an object, found {body.ValueKind}");
                }

                // GetRawText is the exact source text of the value: Intel signs these bytes.
                byte[] signed = Encoding.UTF8.GetBytes(body.GetRawText());
                byte[] signature = DecodeSignature(JsonReading.String(root, "signature", input, "$"), input, "signature");
                return (signed, signature);
            }
        }

        throw JsonReading.Error(input, keys[0], "is missing (expected an Intel PCS body with a signature)");
    }

    public static byte[] DecodeSignature(string? text, string input, string field)
    {
        if (!Hex.TryDecode(text, out byte[]? signature))
        {
            if (text is null || !TextEncodings.TryDecodeHexOrBase64(text, out signature))
            {
                throw JsonReading.Error(input, field, "must be the 64-byte ECDSA signature r||s as hex");
            }
        }

        if (signature.Length != 64)
        {
            throw JsonReading.Error(input, field, $"is {signature.Length} bytes; expected the 64-byte ECDSA signature r||s");
        }

        return signature;
    }

    /// <summary>
    /// The compact serialization of <paramref name="element"/>. Intel's QVL verifies the signature over the body as
    /// its JSON writer re-serializes it; PCS serves compact JSON, so the source bytes normally equal this form.
    /// </summary>
    public static byte[] Compact(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_compact))
        {
            element.WriteTo(writer);
        }

        return buffer.ToArray();
    }
}
