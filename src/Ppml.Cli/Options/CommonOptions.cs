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

    public static Option<string?> Key() => new("--key") { Description = "Primary key name (default: the workspace's default key)." };
}
