using Ppml.Attestation.Quotes;
using Ppml.Attestation.Simulation;
using Ppml.Core.IO;
using Ppml.Tee;
using Ppml.Tee.Evidence;

namespace Ppml.Workloads.Workspace;

/// <summary>
/// A workload's evidence as a library call. By default it starts the workspace's TEE runtime — in simulation the
/// signed enclave is verified against the files of the running application and the simulated quoting enclave quotes
/// that measurement; in SGX or TDX the hardware quotes. With an asserted measurement it signs a test quote for it with
/// a simulated platform instead (a tool for exercising verifiers and policies, not evidence of anything measured).
/// </summary>
public static class WorkspaceEvidence
{
    /// <summary>Produces the quote the request describes and writes it atomically.</summary>
    /// <param name="host">The environment (<c>PPML_TEE</c>, <c>PPML_ENVIRONMENT</c>, injection settings) and where notices go.</param>
    /// <param name="request">The workspace, report data, output and options.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The quote that was written.</returns>
    /// <exception cref="ArgumentException">The report data is longer than 64 bytes, or an asserted measurement has the wrong length.</exception>
    /// <exception cref="WorkloadException">
    /// The simulated platform needed is missing, or (without an asserted measurement) there is no workspace
    /// (<see cref="WorkloadException.IsInvalidInput"/> in both cases).
    /// </exception>
    /// <exception cref="TeeException">The TEE runtime refuses: a code-injection setting, an unmeasured, missing or changed file, simulation in production.</exception>
    /// <exception cref="Core.InvalidSettingException"><c>PPML_TEE</c> or <c>PPML_ENVIRONMENT</c> is outside its closed set.</exception>
    public static async Task<WorkspaceQuote> QuoteAsync(IWorkloadHost host, WorkspaceQuoteRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(request);
        if (request.ReportData.Length > ReportData.Length)
        {
            throw new ArgumentException($"Report data is {request.ReportData.Length} bytes; at most {ReportData.Length} are allowed.", nameof(request));
        }

        byte[] reportData = new byte[ReportData.Length];
        request.ReportData.Span.CopyTo(reportData);
        string root = request.WorkspaceRoot;
        string platform = request.PlatformDirectory ?? Path.Combine(root, PpmlWorkspace.SimulatedPlatformDirectoryName);
        bool asserted = request.IsAsserted;
        PpmlWorkspace? workspace = asserted || !PpmlWorkspace.Exists(root) ? null : await PpmlWorkspace.OpenAsync(root, cancellationToken).ConfigureAwait(false);
        if ((asserted || request.PlatformDirectory is not null || workspace?.IsSimulation == true) && !File.Exists(Path.Combine(platform, SimulatedPlatformFiles.Platform)))
        {
            throw new WorkloadException($"No simulated platform in '{platform}'; create one with 'ppml attest sim-platform --out {platform}'.", isInvalidInput: true);
        }

        byte[] quote;
        bool simulated = true;
        if (asserted)
        {
            quote = await SimulatedQuotes.CreateAsync(
                new SimulatedQuoteRequest
                {
                    PlatformDirectory = platform,
                    ReportData = reportData,
                    Tee = request.QuoteType,
                    MrEnclave = request.AssertedMrEnclave,
                    MrSigner = request.AssertedMrSigner,
                    MrTd = request.AssertedMrTd,
                },
                cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (workspace is null)
            {
                throw new WorkloadException(
                    $"No workspace at '{root}': run 'ppml init' (it signs ppml and creates the simulated platform), " +
                    "or ask for a test quote of an asserted measurement (MRENCLAVE/MRSIGNER for SGX, MRTD for TDX) from a simulated platform.",
                    isInvalidInput: true);
            }

            using TeeRuntime runtime = await WorkspaceTee.CreateAsync(host, workspace, cancellationToken, platform, request.SignedEnclavePath, request.QuoteType).ConfigureAwait(false);
            quote = await runtime.Evidence.GetQuoteAsync(reportData, cancellationToken).ConfigureAwait(false);
            simulated = runtime.IsSimulation;
        }

        await AtomicFile.WriteAllBytesAsync(request.OutputPath, quote, overwrite: true, mode: null, cancellationToken).ConfigureAwait(false);
        return new WorkspaceQuote(quote, Quote.Parse(quote), simulated, asserted, platform);
    }
}
