using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ppml.Tee.Measurement;

/// <summary>
/// The identity fields of an enclave: name, product id, security version, debug flag, and the application directory
/// (<see cref="BaseDirectory"/>). What is measured is not listed here: every file of the application directory and of
/// the runtime it runs on is (docs/tee.md). JSON.
/// </summary>
public sealed class EnclaveManifest
{
    /// <summary>A human name for the application.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>ISVPRODID: the product id (0–65535).</summary>
    [JsonPropertyName("isvProdId")]
    public int IsvProdId { get; init; }

    /// <summary>ISVSVN: the security version (0–65535); raise it with every security fix.</summary>
    [JsonPropertyName("isvSvn")]
    public int IsvSvn { get; init; }

    /// <summary>Whether the enclave is a debug enclave (its memory can be read by a debugger).</summary>
    [JsonPropertyName("debug")]
    public bool Debug { get; init; }

    /// <summary>The application directory to measure; relative to the manifest's directory. Default: the manifest's directory.</summary>
    [JsonPropertyName("baseDirectory")]
    public string? BaseDirectory { get; init; }

    /// <summary>The manifest of the <c>ppml</c> application in <paramref name="applicationDirectory"/>.</summary>
    /// <param name="applicationDirectory">The application directory (every file in it is measured).</param>
    /// <returns>The manifest.</returns>
    public static EnclaveManifest ForApplication(string applicationDirectory) => new()
    {
        Name = "ppml",
        IsvProdId = 1,
        IsvSvn = 1,
        BaseDirectory = applicationDirectory,
    };

    /// <summary>Reads a manifest file.</summary>
    /// <param name="path">The JSON file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The manifest with <see cref="BaseDirectory"/> made absolute.</returns>
    /// <exception cref="TeeException">The file is not a valid manifest.</exception>
    public static async Task<EnclaveManifest> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        EnclaveManifest? manifest;
        try
        {
            byte[] json = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            using (JsonDocument document = JsonDocument.Parse(json))
            {
                if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("trustedFiles", out _))
                {
                    throw new TeeException(
                        $"Manifest '{path}' has 'trustedFiles': globs are no longer supported, every file of the application directory and its runtime is measured; remove the field.");
                }
            }

            manifest = JsonSerializer.Deserialize(json, TeeJsonContext.Default.EnclaveManifest);
        }
        catch (JsonException exception)
        {
            throw new TeeException($"Manifest '{path}' is not valid JSON: {exception.Message}", exception);
        }

        if (manifest is null || string.IsNullOrWhiteSpace(manifest.Name))
        {
            throw new TeeException($"Manifest '{path}' needs a 'name'.");
        }

        if (manifest.IsvProdId is < 0 or > ushort.MaxValue || manifest.IsvSvn is < 0 or > ushort.MaxValue)
        {
            throw new TeeException($"Manifest '{path}': isvProdId and isvSvn must be between 0 and 65535.");
        }

        string manifestDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return new EnclaveManifest
        {
            Name = manifest.Name,
            IsvProdId = manifest.IsvProdId,
            IsvSvn = manifest.IsvSvn,
            Debug = manifest.Debug,
            BaseDirectory = Path.GetFullPath(manifest.BaseDirectory ?? ".", manifestDirectory),
        };
    }
}
