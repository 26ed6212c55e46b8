using Microsoft.Extensions.Options;

namespace Ppml.Kms.Server;

/// <summary>Cross-field rules of <see cref="KmsServerOptions"/>: HTTPS only, a certificate with its private key.</summary>
internal sealed class KmsServerOptionsRules : IValidateOptions<KmsServerOptions>
{
    public ValidateOptionsResult Validate(string? name, KmsServerOptions options)
    {
        var failures = new List<string>();
        foreach (string url in options.Urls)
        {
            if (!ListenAddress.TryParse(url, out _, out string? problem))
            {
                failures.Add($"{KmsServerOptions.SectionName}:Urls: {problem}");
            }
        }

        if (options.Certificate is null)
        {
            failures.Add($"{KmsServerOptions.SectionName}:Certificate is required: the server speaks HTTPS only (the workspace's tls/keystore.pkcs12 by default).");
        }
        else if (!options.Certificate.HasPrivateKey)
        {
            failures.Add($"{KmsServerOptions.SectionName}:Certificate '{options.Certificate.Subject}' has no private key.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(string.Join(" ", failures));
    }
}
