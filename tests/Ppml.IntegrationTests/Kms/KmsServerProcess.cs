using System.Diagnostics;
using System.Text.RegularExpressions;
using Ppml.Testing;

namespace Ppml.IntegrationTests.Kms;

/// <summary>The real <c>ppml kms serve</c> (ppml.dll beside the tests) as a child process on 127.0.0.1:0.</summary>
internal sealed partial class KmsServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private KmsServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static string PpmlDll => Path.Combine(AppContext.BaseDirectory, "ppml.dll");

    public static async Task RunPpmlAsync(params string[] arguments)
    {
        ProcessRunner.Result result = await ProcessRunner.RunAsync("dotnet", [PpmlDll, .. arguments]);
        Assert.True(result.ExitCode == 0, $"ppml {string.Join(' ', arguments)} failed: {result.Error}");
    }

    public static async Task<KmsServerProcess> StartAsync(string home, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { PpmlDll, "kms", "serve", "--home", home, "--urls", "https://127.0.0.1:0" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var error = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (error)
            {
                error.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            string? line;
            try
            {
                line = await process.StandardOutput.ReadLineAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                line = null;
            }

            if (line is null)
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
                string log;
                lock (error)
                {
                    log = error.ToString();
                }

                throw new InvalidOperationException($"ppml kms serve did not report its address: {log}");
            }

            Match match = AddressPattern().Match(line);
            if (match.Success)
            {
                return new KmsServerProcess(process, new Uri(match.Value));
            }
        }
    }

    /// <summary>SIGKILL: no shutdown, no flush.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"https://127\.0\.0\.1:\d+/?")]
    private static partial Regex AddressPattern();
}
