using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ppml.Tee.Measurement;

/// <summary>
/// What an enclave is made of, in the spirit of Gramine's trusted files: the application's files (globs relative
/// to <see cref="BaseDirectory"/>), product id and security version. JSON; see docs/tee.md.
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

    /// <summary>Directory the trusted-file globs are relative to; relative to the manifest's directory. Default: the manifest's directory.</summary>
    [JsonPropertyName("baseDirectory")]
    public string? BaseDirectory { get; init; }

    /// <summary>Trusted files: relative paths or globs (<c>*</c> within one directory level, <c>**/</c> for any depth).</summary>
    [JsonPropertyName("trustedFiles")]
    public required IReadOnlyList<string> TrustedFiles { get; init; }

    /// <summary>The default manifest for the published <c>ppml</c> application in <paramref name="applicationDirectory"/>.</summary>
    /// <param name="applicationDirectory">Where the application's assemblies live.</param>
    /// <returns>A manifest covering its assemblies and configuration.</returns>
    public static EnclaveManifest ForApplication(string applicationDirectory) => new()
    {
        Name = "ppml",
        IsvProdId = 1,
        IsvSvn = 1,
        BaseDirectory = applicationDirectory,
        TrustedFiles = ["*.dll", "*.runtimeconfig.json", "*.deps.json", "runtimes/**/*.so"],
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
            manifest = JsonSerializer.Deserialize(json, TeeJsonContext.Default.EnclaveManifest);
        }
        catch (JsonException exception)
        {
            throw new TeeException($"Manifest '{path}' is not valid JSON: {exception.Message}", exception);
        }

        if (manifest is null || manifest.TrustedFiles is null || manifest.TrustedFiles.Count == 0 || string.IsNullOrWhiteSpace(manifest.Name))
        {
            throw new TeeException($"Manifest '{path}' needs a 'name' and at least one entry in 'trustedFiles'.");
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
            TrustedFiles = manifest.TrustedFiles,
        };
    }
}
