using System.CommandLine;

namespace Ppml.Cli.Options;

/// <summary>Options shared by many commands.</summary>
internal static class CommonOptions
{
    /// <summary>--home, on the root command and every subcommand.</summary>
    public static Option<string?> Home { get; } = new("--home")
    {
        Description = "Workspace directory (default: $PPML_HOME, else ./.ppml, else the nearest parent's .ppml you own; never a parent's inside a TEE).",
        Recursive = true,
    };

    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object on stdout instead of text." };

    public static Option<bool> Force(string what) => new("--force") { Description = $"Replace {what} if it exists (atomically; a symbolic link is written through and kept, never replaced)." };

    public static Option<string?> Kms() => new("--kms")
    {
        Description = "KMS URI: file:PATH for a local store, or https://HOST:PORT of 'ppml kms serve' (default: the workspace KMS).",
    };

    public static Option<string?> ApiKeyFile() => new("--api-key-file")
    {
        Description = "File holding the API key for an https:// KMS (the first start writes an admin key to STORE/admin.apikey).",
    };

    public static Option<string?> CaFile() => new("--ca-file")
    {
        Description = "CA certificate (PEM) the https:// KMS server's certificate must chain to (default: the workspace's tls/ca.crt).",
    };

    public static Option<string?> KmsPasswordFile() => new("--kms-password-file")
    {
        Description = "File holding the password of a file: KMS store (default: the workspace password).",
    };

    /// <summary>
    /// --memory-limit SIZE: DuckDB's memory limit. Checked while parsing (one line naming the option, exit 2); the validator
    /// reads the token, since it also runs when conversion failed.
    /// </summary>
    public static Option<string?> MemoryLimit(string applies = "")
    {
        var option = new Option<string?>("--memory-limit")
        {
            Description = "DuckDB's memory limit, as DuckDB writes sizes: 4GB, 512MB, 3GiB (default: 70% of the memory available to the process, "
                + $"{Ppml.Core.ByteSize.Format(Ppml.Data.PpmlContextOptions.DefaultMemoryLimitBytes)} here; DuckDB's own 80% leaves no room for decrypted data and the .NET heap). "
                + "Nothing spills to disk: a query that needs more fails." + applies,
        };
        option.Validators.Add(result =>
        {
            if (result.Tokens is [.., var token] && !Ppml.Core.ByteSize.TryParse(token.Value, out _))
            {
                result.AddError($"--memory-limit '{token.Value}': not a memory size; give a number and a unit, for example 4GB, 512MB or 3GiB.");
            }
        });
        return option;
    }

    public static Option<string?> Key() => new("--key") { Description = "Primary key name (default: the workspace's default key)." };
}
