using Ppml.Attestation.Quotes;
using Ppml.Attestation.Simulation;
using Ppml.Testing;
using Ppml.Tee.Measurement;
using Ppml.Workloads.Workspace;

namespace Ppml.Workloads.Tests.Workspace;

public sealed class WorkspaceEvidenceTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>No PPML_TEE, no PPML_ENVIRONMENT, no injection settings: whatever the test process's environment holds.</summary>
    private static WorkloadHost Host => new() { GetEnvironmentVariable = _ => null };

    private string Output => _temp.Combine("q.bin");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task QuoteAsync_AssertedMrSigner_WritesATestQuoteFromThePlatform_WithoutAWorkspace()
    {
        string platform = _temp.Combine("platform");
        using (await SimulatedPlatform.CreateSavedAsync(platform, cancellationToken: Token))
        {
        }

        byte[] mrSigner = Enumerable.Repeat((byte)0xaa, 32).ToArray();
        WorkspaceQuote quote = await WorkspaceEvidence.QuoteAsync(
            Host,
            new WorkspaceQuoteRequest { WorkspaceRoot = _temp.Combine("no-workspace"), ReportData = new byte[] { 0xc0 }, OutputPath = Output, PlatformDirectory = platform, AssertedMrSigner = mrSigner },
            Token);

        Assert.True(quote.IsAsserted);
        Assert.True(quote.IsSimulated);
        Assert.Equal(quote.Bytes, File.ReadAllBytes(Output));
        Assert.Equal(mrSigner, quote.Quote.EnclaveReport!.MrSigner.ToArray());
        Assert.Equal(SimulatedQuotes.DefaultMrEnclave.ToArray(), quote.Quote.EnclaveReport.MrEnclave.ToArray());
        Assert.Equal(Path.Combine(platform, SimulatedPlatformFiles.RootCertificate), quote.SimulatedRootCertificatePath);
    }

    [Fact]
    public async Task QuoteAsync_Workspace_QuotesTheSignedMeasurementOfThisApplication()
    {
        string root = _temp.Combine("ws");
        await WorkspaceInitializer.CreateAsync(Host, root, force: false, readPassword: null, Token);
        SignedEnclave signed = await EnclaveSigner.LoadAsync(Path.Combine(root, PpmlWorkspace.SignedEnclaveFileName), Token);

        WorkspaceQuote quote = await WorkspaceEvidence.QuoteAsync(
            Host, new WorkspaceQuoteRequest { WorkspaceRoot = root, ReportData = new byte[] { 1, 2, 3 }, OutputPath = Output }, Token);

        Assert.False(quote.IsAsserted);
        Assert.True(quote.IsSimulated);
        Assert.Equal(3, quote.Quote.Version);
        Assert.Equal(signed.MrEnclave, Convert.ToHexStringLower(quote.Quote.EnclaveReport!.MrEnclave.Span));
        Assert.Equal(new byte[] { 1, 2, 3, 0 }, quote.Quote.EnclaveReport.ReportData[..4].ToArray());
    }

    [Fact]
    public async Task QuoteAsync_NoWorkspace_InvalidInputSayingToInit_AndWritesNothing()
    {
        WorkloadException error = await Assert.ThrowsAsync<WorkloadException>(() => WorkspaceEvidence.QuoteAsync(
            Host, new WorkspaceQuoteRequest { WorkspaceRoot = _temp.Combine("none"), ReportData = new byte[64], OutputPath = Output }, Token));

        Assert.True(error.IsInvalidInput);
        Assert.Contains("ppml init", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("--", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Output));
    }

    [Fact]
    public async Task QuoteAsync_AssertedWithoutAPlatform_InvalidInputNamingTheDirectory()
    {
        string platform = _temp.Combine("nowhere");

        WorkloadException error = await Assert.ThrowsAsync<WorkloadException>(() => WorkspaceEvidence.QuoteAsync(
            Host,
            new WorkspaceQuoteRequest { WorkspaceRoot = _temp.Combine("none"), ReportData = new byte[64], OutputPath = Output, PlatformDirectory = platform, AssertedMrTd = new byte[48], QuoteType = TeeType.Tdx },
            Token));

        Assert.True(error.IsInvalidInput);
        Assert.Contains($"No simulated platform in '{platform}'", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Output));
    }

    [Fact]
    public async Task QuoteAsync_ReportDataOver64Bytes_Throws()
    {
        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => WorkspaceEvidence.QuoteAsync(
            Host, new WorkspaceQuoteRequest { WorkspaceRoot = _temp.Combine("none"), ReportData = new byte[65], OutputPath = Output }, Token));

        Assert.Contains("65 bytes", error.Message, StringComparison.Ordinal);
    }
}
