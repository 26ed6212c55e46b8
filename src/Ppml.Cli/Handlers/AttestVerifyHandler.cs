using Ppml.Cli.Attest;

namespace Ppml.Cli.Handlers;

/// <summary>Arguments of <c>ppml attest verify</c>.</summary>
internal sealed record AttestVerifyOptions(
    string Quote,
    string? Root,
    string? TcbInfo,
    string? QeIdentity,
    string? TcbSigningChain,
    string? RootCrl,
    string? PckCrl,
    string? PckChain,
    string? Collateral,
    string? Policy,
    string? At,
    bool Strict,
    bool Json);

/// <summary><c>ppml attest verify</c>: one result on stdout (text or JSON); the exit code says valid and accepted.</summary>
internal sealed class AttestVerifyHandler
{
    private readonly CliContext _context;

    public AttestVerifyHandler(CliContext context)
    {
        _context = context;
    }

    public async Task<int> RunAsync(AttestVerifyOptions options, CancellationToken cancellationToken)
    {
        var request = new QuoteVerificationRequest
        {
            QuotePath = _context.ResolvePath(options.Quote),
            RootPath = Resolve(options.Root),
            TcbInfoPath = Resolve(options.TcbInfo),
            QeIdentityPath = Resolve(options.QeIdentity),
            TcbSigningChainPath = Resolve(options.TcbSigningChain),
            RootCrlPath = Resolve(options.RootCrl),
            PckCrlPath = Resolve(options.PckCrl),
            PckChainPath = Resolve(options.PckChain),
            CollateralPath = Resolve(options.Collateral),
            PolicyPath = Resolve(options.Policy),
            At = options.At,
            Strict = options.Strict,
        };

        QuoteVerificationOutcome outcome = await QuoteVerificationCommand.RunAsync(request, _context.TimeProvider, cancellationToken);
        await _context.Output.WriteAsync(options.Json ? outcome.ToJson() + Environment.NewLine : outcome.ToDisplayString());
        if (outcome.ExitCode == QuoteVerificationOutcome.InvalidInput && outcome.Result.Error is { } error)
        {
            await _context.Error.WriteLineAsync($"ppml: error: {error.Message}");
        }

        return outcome.ExitCode switch
        {
            QuoteVerificationOutcome.Accepted => ExitCodes.Success,
            QuoteVerificationOutcome.InvalidInput => ExitCodes.InvalidInput,
            _ => ExitCodes.Failure,
        };
    }

    private string? Resolve(string? path) => path is null ? null : _context.ResolvePath(path);
}
