using System.Runtime.InteropServices;
using Ppml.Cli;

// The first SIGINT/SIGTERM cancels the command, which cleans up and exits 130 with "ppml: cancelled."; a second one
// is not intercepted and terminates the process at once (what is then left is what SIGKILL leaves: see
// docs/security-model.md, "Interrupted runs").
using var cancellation = new CancellationTokenSource();
void Cancel(PosixSignalContext signal)
{
    if (cancellation.IsCancellationRequested)
    {
        return;
    }

    signal.Cancel = true;
    cancellation.Cancel();
}

using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
return await PpmlCommand.RunAsync(args, CliContext.FromConsole(), cancellation.Token);
