using Ppml.Core;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ppml.Tee.IO;

namespace Ppml.Tee.Evidence;

/// <summary>
/// TDX evidence through the kernel's configfs-tsm interface: create an entry under
/// <c>/sys/kernel/config/tsm/report</c>, write 64 bytes to <c>inblob</c>, read <c>outblob</c>, check that
/// <c>provider</c> is <c>tdx_guest</c> and that <c>generation</c> advanced by exactly one (no other writer raced
/// us), then remove the entry.
/// </summary>
public sealed class TdxTsmEvidenceProvider : IEvidenceProvider
{
    /// <summary>The configfs-tsm report directory.</summary>
    public const string ReportDirectory = "/sys/kernel/config/tsm/report";

    internal const string ExpectedProvider = "tdx_guest";

    private readonly ITeeFileSystem _fileSystem;

    /// <summary>Creates the provider over <paramref name="fileSystem"/>.</summary>
    /// <param name="fileSystem">The file system holding configfs.</param>
    public TdxTsmEvidenceProvider(ITeeFileSystem fileSystem)
    {
        _fileSystem = fileSystem;
    }

    /// <inheritdoc />
    public TeeKind Kind => TeeKind.Tdx;

    /// <summary>Whether configfs-tsm reports are available.</summary>
    /// <param name="fileSystem">The file system to probe.</param>
    /// <returns><see langword="true"/> when the report directory exists.</returns>
    public static bool IsAvailable(ITeeFileSystem fileSystem)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        return fileSystem.DirectoryExists(ReportDirectory);
    }

    /// <inheritdoc />
    public async Task<byte[]> GetQuoteAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken = default)
    {
        ReportData.Validate(reportData);
        if (!IsAvailable(_fileSystem))
        {
            throw new TeeException($"configfs-tsm is unavailable: {ReportDirectory} does not exist (is configfs mounted and the tdx_guest driver loaded?).");
        }

        string entry = $"{ReportDirectory}/ppml-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        _fileSystem.CreateDirectory(entry);
        try
        {
            long before = await ReadGenerationAsync(entry, cancellationToken).ConfigureAwait(false);
            await _fileSystem.WriteAllBytesAsync(entry + "/inblob", reportData, cancellationToken).ConfigureAwait(false);
            byte[] quote = await _fileSystem.ReadAllBytesAsync(entry + "/outblob", cancellationToken).ConfigureAwait(false);
            string provider = Encoding.ASCII.GetString(await _fileSystem.ReadAllBytesAsync(entry + "/provider", cancellationToken).ConfigureAwait(false)).Trim();
            long after = await ReadGenerationAsync(entry, cancellationToken).ConfigureAwait(false);

            if (provider != ExpectedProvider)
            {
                throw new TeeException($"{entry}/provider is '{provider}', expected '{ExpectedProvider}': this is not a TDX guest report.");
            }

            if (after != before + 1)
            {
                throw new TeeException(
                    $"{entry}/generation went from {before} to {after}: another writer changed the report entry; the quote cannot be trusted to carry our report data.");
            }

            QuoteShape.RequireReportData(quote, reportData.Span, entry + "/outblob");
            return quote;
        }
        finally
        {
            _fileSystem.DeleteDirectory(entry);
        }
    }

    private async Task<long> ReadGenerationAsync(string entry, CancellationToken cancellationToken)
    {
        string text = Encoding.ASCII.GetString(await _fileSystem.ReadAllBytesAsync(entry + "/generation", cancellationToken).ConfigureAwait(false)).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new TeeException($"{entry}/generation holds '{text}', not a number.");
    }
}
