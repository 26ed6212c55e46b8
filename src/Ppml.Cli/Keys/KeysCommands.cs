using System.CommandLine;

namespace Ppml.Cli.Keys;

/// <summary><c>ppml keys enclave|tls</c> and <c>ppml password encrypt|decrypt</c>.</summary>
internal static class KeysCommands
{
    public static Command Create(CliContext context)
    {
        var enclaveOut = new Option<string>("--out") { Description = "PEM file to write (mode 0600).", Required = true };
        Option<bool> enclaveForce = CommonOptions.Force("the file");
        var enclave = new Command("enclave", "Create an SGX enclave signing key: RSA-3072, public exponent 3 (as 'openssl genrsa -3 3072').") { enclaveOut, enclaveForce };
        enclave.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new KeysHandler(context).EnclaveAsync(parse.GetRequiredValue(enclaveOut), parse.GetValue(enclaveForce), cancellationToken)));

        var tlsOut = new Option<string>("--out") { Description = "Directory for ca.crt, ca.key, server.key, server.csr, server.crt, server.pem, keystore.pkcs12.", Required = true };
        var passwordFile = new Option<string>("--password-file") { Description = "File holding the keystore.pkcs12 password ('-' reads stdin).", Required = true };
        var san = new Option<string[]>("--san") { Description = "Server certificate name (DNS name or IP); repeat for several (default: localhost and 127.0.0.1)." };
        Option<bool> tlsForce = CommonOptions.Force("existing files");
        var tls = new Command("tls", "Create a CA and a server certificate signed by it, with a PKCS#12 keystore.") { tlsOut, passwordFile, san, tlsForce };
        tls.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () => new KeysHandler(context).TlsAsync(
            parse.GetRequiredValue(tlsOut), parse.GetRequiredValue(passwordFile), parse.GetValue(san) ?? [], parse.GetValue(tlsForce), cancellationToken)));
        return new Command("keys", "Create key material that interoperates with OpenSSL.") { enclave, tls };
    }

    public static Command CreatePassword(CliContext context)
    {
        var passwordFile = new Option<string>("--password-file") { Description = "File holding the password ('-' reads stdin).", Required = true };
        var output = new Option<string>("--out") { Description = "Directory for key.txt and output.bin.", Required = true };
        Option<bool> force = CommonOptions.Force("key.txt and output.bin");
        var encrypt = new Command("encrypt", "Encrypt a password to DIR/key.txt (RSA private key) and DIR/output.bin.") { passwordFile, output, force };
        encrypt.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () => new KeysHandler(context).EncryptPasswordAsync(
            parse.GetRequiredValue(passwordFile), parse.GetRequiredValue(output), parse.GetValue(force), cancellationToken)));

        var directory = new Option<string>("--dir") { Description = "Directory holding key.txt and output.bin.", Required = true };
        var decrypt = new Command("decrypt", "Print the password stored in DIR.") { directory };
        decrypt.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new KeysHandler(context).DecryptPasswordAsync(parse.GetRequiredValue(directory), cancellationToken)));
        return new Command("password", "Keep a password encrypted (RSA-OAEP-SHA256), as the seed's scripts did.") { encrypt, decrypt };
    }
}
