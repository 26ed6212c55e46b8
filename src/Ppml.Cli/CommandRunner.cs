using System.Security.Cryptography;
using Ppml.Data;
using Ppml.Kms;

namespace Ppml.Cli;

/// <summary>The process boundary of every command: maps exceptions to one line on stderr and an exit code.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(CliContext context, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (OperationCanceledException)
        {
            await context.Error.WriteLineAsync("ppml: cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (Exception exception)
        {
            (int code, string message) = Describe(exception);
            await context.Error.WriteLineAsync($"ppml: error: {message}");
            if (context.GetEnvironmentVariable("PPML_DEBUG") == "1")
            {
                await context.Error.WriteLineAsync(exception.ToString());
            }

            return code;
        }
    }

    internal static (int Code, string Message) Describe(Exception exception) => exception switch
    {
        CliException cli => (cli.ExitCode, cli.Message),
        Ppml.Quickstart.QuickstartException tour => (ExitCodes.Failure, tour.Message),
        Ppml.Workloads.WorkloadException workload => (workload.IsInvalidInput ? ExitCodes.InvalidInput : ExitCodes.Failure, workload.Message),
        DatasetException dataset => (ExitCodes.Failure, dataset.Message),
        KmsException { Code: KmsErrorCode.InvalidKeyName } kms => (ExitCodes.InvalidInput, kms.Message),
        KmsException kms => (ExitCodes.Failure, kms.Message),
        Ppml.Tee.TeeException tee => (ExitCodes.Failure, tee.Message),
        Ppml.Core.InvalidSettingException setting => (ExitCodes.InvalidInput, setting.Message), // a usage error: one line, exit 2
        Ppml.Core.IO.InvalidOutputException output => (ExitCodes.InvalidInput, output.Message), // out/ for a file, a dangling link, a device
        FileNotFoundException notFound => (ExitCodes.InvalidInput, notFound.Message),
        DirectoryNotFoundException notFound => (ExitCodes.InvalidInput, notFound.Message),
        Ppml.Learning.LearningFormatException learning => (ExitCodes.InvalidInput, learning.Message),
        FormatException format => (ExitCodes.InvalidInput, format.Message),
        InvalidDataException invalid => (ExitCodes.InvalidInput, invalid.Message),
        CryptographicException crypto => (ExitCodes.Failure, crypto.Message),
        UnauthorizedAccessException denied => (ExitCodes.Failure, denied.Message),
        IOException io => (ExitCodes.Failure, io.Message),
        _ => (ExitCodes.Failure, $"unexpected {exception.GetType().Name}: {exception.Message} (set PPML_DEBUG=1 for details)"),
    };
}
