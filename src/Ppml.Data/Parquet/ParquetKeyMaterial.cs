using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ppml.Data.Parquet;

/// <summary>
/// The key metadata stored in a Parquet file for each data key (footer key and column keys), in the "key material"
/// JSON of the Parquet key-management tools that parquet-mr (Spark) and PyArrow's <c>CryptoFactory</c> read
/// (<c>keyMaterialType: PKMT1</c>, internal storage, single wrapping):
/// <code>
/// {"keyMaterialType":"PKMT1","internalStorage":true,"isFooterKey":true,"kmsInstanceID":"DEFAULT",
///  "kmsInstanceURL":"DEFAULT","masterKeyID":"primary","wrappedDEK":"v1:BASE64","doubleWrapping":false}
/// </code>
/// <c>masterKeyID</c> is the KMS primary key name; <c>wrappedDEK</c> is <c>v{version}:{base64 of the KMS-wrapped data
/// key}</c>. A PyArrow or Spark KMS client unwraps it by asking our KMS (key name, version, wrapped bytes).
/// </summary>
internal sealed record ParquetKeyMaterial(string KeyName, int KeyVersion, byte[] WrappedKey, bool IsFooterKey)
{
    public const string MaterialType = "PKMT1";

    public string ToJson()
    {
        var json = new JsonObject
        {
            ["keyMaterialType"] = MaterialType,
            ["internalStorage"] = true,
            ["isFooterKey"] = IsFooterKey,
        };
        if (IsFooterKey)
        {
            json["kmsInstanceID"] = "DEFAULT";
            json["kmsInstanceURL"] = "DEFAULT";
        }

        json["masterKeyID"] = KeyName;
        json["wrappedDEK"] = string.Create(CultureInfo.InvariantCulture, $"v{KeyVersion}:{Convert.ToBase64String(WrappedKey)}");
        json["doubleWrapping"] = false;
        return json.ToJsonString();
    }

    /// <summary>Parses key metadata; <see langword="null"/> when it is not PPML key material.</summary>
    public static ParquetKeyMaterial? TryParse(string? metadata)
    {
        if (string.IsNullOrEmpty(metadata))
        {
            return null;
        }

        try
        {
            if (JsonNode.Parse(metadata) is not JsonObject json
                || json["keyMaterialType"]?.GetValue<string>() != MaterialType
                || json["masterKeyID"]?.GetValue<string>() is not { Length: > 0 } keyName
                || json["wrappedDEK"]?.GetValue<string>() is not { } wrapped
                || json["doubleWrapping"]?.GetValue<bool>() == true)
            {
                return null;
            }

            int colon = wrapped.IndexOf(':', StringComparison.Ordinal);
            if (colon < 2 || wrapped[0] != 'v'
                || !int.TryParse(wrapped.AsSpan(1, colon - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int version))
            {
                return null;
            }

            byte[] wrappedKey = Convert.FromBase64String(wrapped[(colon + 1)..]);
            return new ParquetKeyMaterial(keyName, version, wrappedKey, json["isFooterKey"]?.GetValue<bool>() == true);
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }
}
