using Ppml.Core;
using System.Security.Cryptography;
using Ppml.Tee.Evidence;
using Ppml.Tee.Tests.Fakes;

namespace Ppml.Tee.Tests.Evidence;

public class EvidenceProviderTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Gramine_GetQuote_WritesReportDataThenReadsQuoteCarryingIt()
    {
        EmulatedTeeFileSystem fs = EmulatedTeeFileSystem.WithGramine();
        using var provider = new GramineSgxEvidenceProvider(fs);
        byte[] reportData = RandomNumberGenerator.GetBytes(64);

        byte[] quote = await provider.GetQuoteAsync(reportData, Token);

        Assert.Equal(["/dev/attestation/user_report_data"], fs.Writes);
        Assert.Equal(reportData, quote.AsSpan(48 + 320, 64).ToArray());
        Assert.Equal(TeeKind.Sgx, provider.Kind);
    }

    [Fact]
    public async Task Gramine_QuoteIgnoringReportData_IsRefused()
    {
        EmulatedTeeFileSystem fs = EmulatedTeeFileSystem.WithGramine();
        fs.IgnoreReportData = true;
        using var provider = new GramineSgxEvidenceProvider(fs);

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => provider.GetQuoteAsync(RandomNumberGenerator.GetBytes(64), Token));
        Assert.Contains("report data", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gramine_NotDcap_IsRefused()
    {
        using var provider = new GramineSgxEvidenceProvider(EmulatedTeeFileSystem.WithGramine("epid"));

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => provider.GetQuoteAsync(new byte[64], Token));
        Assert.Contains("dcap", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    [InlineData(65)]
    public async Task Providers_ReportDataNot64Bytes_Throw(int length)
    {
        using var gramine = new GramineSgxEvidenceProvider(EmulatedTeeFileSystem.WithGramine());
        var tdx = new TdxTsmEvidenceProvider(EmulatedTeeFileSystem.WithTsm());

        await Assert.ThrowsAsync<ArgumentException>(() => gramine.GetQuoteAsync(new byte[length], Token));
        await Assert.ThrowsAsync<ArgumentException>(() => tdx.GetQuoteAsync(new byte[length], Token));
    }

    [Fact]
    public async Task Tdx_GetQuote_UsesFreshEntryChecksProviderAndGeneration_ThenRemovesIt()
    {
        EmulatedTeeFileSystem fs = EmulatedTeeFileSystem.WithTsm();
        var provider = new TdxTsmEvidenceProvider(fs);
        byte[] reportData = RandomNumberGenerator.GetBytes(64);

        byte[] quote = await provider.GetQuoteAsync(reportData, Token);

        Assert.Equal(reportData, quote.AsSpan(48 + 520, 64).ToArray());
        string write = Assert.Single(fs.Writes);
        Assert.StartsWith("/sys/kernel/config/tsm/report/ppml-", write, StringComparison.Ordinal);
        Assert.EndsWith("/inblob", write, StringComparison.Ordinal);
        Assert.DoesNotContain(fs.Directories, d => d.StartsWith("/sys/kernel/config/tsm/report/ppml-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tdx_RacingWriter_IsDetectedByGeneration()
    {
        EmulatedTeeFileSystem fs = EmulatedTeeFileSystem.WithTsm();
        fs.RacingWriter = true;

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => new TdxTsmEvidenceProvider(fs).GetQuoteAsync(new byte[64], Token));
        Assert.Contains("generation", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(fs.Directories, d => d.Contains("/ppml-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tdx_WrongProvider_IsRefused()
    {
        EmulatedTeeFileSystem fs = EmulatedTeeFileSystem.WithTsm();
        fs.TsmProvider = "sev_guest";

        TeeException error = await Assert.ThrowsAsync<TeeException>(() => new TdxTsmEvidenceProvider(fs).GetQuoteAsync(new byte[64], Token));
        Assert.Contains("sev_guest", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tdx_Missing_SaysWhatToCheck()
    {
        TeeException error = await Assert.ThrowsAsync<TeeException>(() => new TdxTsmEvidenceProvider(new EmulatedTeeFileSystem()).GetQuoteAsync(new byte[64], Token));
        Assert.Contains("configfs", error.Message, StringComparison.Ordinal);
    }
}
