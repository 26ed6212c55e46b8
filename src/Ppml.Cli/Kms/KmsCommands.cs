using System.CommandLine;
using Ppml.Workloads.Workspace;

namespace Ppml.Cli.Kms;

/// <summary><c>ppml kms key create|list|rotate|disable</c>, <c>kms serve</c>, <c>kms app create|list</c>, <c>kms policy set|list</c>, <c>kms root split|recover</c>.</summary>
internal static class KmsCommands
{
    private const string NameDescription = "Key name: letters, digits, '.', '_' or '-'.";
    private const string StoreDescription = "Store directory (default: HOME/kms-server).";

    private delegate Task<int> Run(KmsHandler handler, ParseResult parse, KmsTarget target, bool json, CancellationToken cancellationToken);

    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("name") { Description = NameDescription };
        var releasePolicy = new Option<string?>("--release-policy") { Description = "JSON release policy file (KMS server only): data keys are released only to attested TEEs." };
        var allowApp = new Option<string[]>("--allow-app") { Description = "Application allowed to use the key (KMS server only); repeat for several." };
        var key = new Command("key", "Primary keys: create, list, rotate.")
        {
            Admin(context, "create", "Create a primary key.", [name, releasePolicy, allowApp], (h, p, t, j, c) =>
                h.CreateKeyAsync(t, p.GetRequiredValue(name), p.GetValue(releasePolicy), p.GetValue(allowApp), j, c)),
            Admin(context, "rotate", "Add a new version to a primary key; old versions still unwrap.", [name], (h, p, t, j, c) => h.RotateKeyAsync(t, p.GetRequiredValue(name), j, c)),
            Admin(context, "disable", "Disable a primary key on a KMS server (admin): no more data keys or unwraps.", [name], (h, p, t, j, c) => h.DisableKeyAsync(t, p.GetRequiredValue(name), j, c)),
            Admin(context, "list", "List primary keys.", [], (h, _, t, j, c) => h.ListKeysAsync(t, j, c)),
        };
        return new Command("kms", "Manage keys in a KMS (the workspace's local store by default).")
        {
            key, CreateServe(context), CreateApp(context), CreatePolicy(context), CreateRoot(context),
        };
    }

    /// <summary>A command against a KMS: its own <paramref name="symbols"/>, then --json and the KMS target options.</summary>
    private static Command Admin(CliContext context, string verb, string description, Symbol[] symbols, Run run)
    {
        KmsTargetOptions target = new();
        Option<bool> json = CommonOptions.Json();
        var command = new Command(verb, description);
        foreach (Symbol symbol in symbols)
        {
            if (symbol is Argument argument)
            {
                command.Arguments.Add(argument);
            }
            else
            {
                command.Options.Add((Option)symbol);
            }
        }

        command.Options.Add(json);
        target.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            run(new KmsHandler(context), parse, target.Read(parse), parse.GetValue(json), cancellationToken)));
        return command;
    }

    private static Command CreateServe(CliContext context)
    {
        var urls = new Option<string[]>("--urls") { Description = "https://IP:PORT to listen on; repeat for several (default https://127.0.0.1:9876; port 0 picks one). http:// is refused." };
        var store = new Option<string?>("--store") { Description = StoreDescription };
        var secretFile = new Option<string?>("--secret-file") { Description = "Operator secret the root key is sealed under (default: STORE/operator.secret, generated on first start)." };
        var simulatedPlatform = new Option<string?>("--simulated-platform")
        {
            Description = "Also accept quotes of this simulated platform (DIR; without DIR the workspace's attestation/platform); tokens say tee 'simulation'. " +
                "Default: only when the workspace's config.json says \"tee\": \"simulation\" (PPML_TEE is not read). Refused with PPML_ENVIRONMENT=production.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var intelOnly = new Option<bool>("--intel-only") { Description = "Trust only the Intel SGX Root CA, even in a simulation workspace." };
        var collateral = new Option<string[]>("--collateral") { Description = "Collateral bundle (sgx_ql_qve_collateral_t JSON) to seed the verifier's cache with; repeat for several." };
        var durableReadAudits = new Option<bool>("--durable-read-audits")
        {
            Description = "Answer plain data key generate/unwrap only after their audit record is durable (default: it joins the next group commit; see docs/kms.md).",
        };
        var serve = new Command("serve", "Run the KMS + attestation service (Intel DCAP verifier) over HTTPS with the workspace certificate (Ctrl+C stops it).")
        {
            urls, store, secretFile, simulatedPlatform, intelOnly, collateral, durableReadAudits,
        };
        serve.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () => new KmsServeHandler(context).RunAsync(
            parse.GetValue(CommonOptions.Home), parse.GetValue(urls) ?? [], parse.GetValue(store), parse.GetValue(secretFile),
            // A bare --simulated-platform means the workspace's platform.
            parse.GetResult(simulatedPlatform) is null ? null : parse.GetValue(simulatedPlatform) ?? KmsServeHandler.WorkspacePlatform,
            parse.GetValue(intelOnly), parse.GetValue(collateral) ?? [], parse.GetValue(durableReadAudits), cancellationToken)));
        return serve;
    }

    private static Command CreateApp(CliContext context)
    {
        var id = new Argument<string>("id") { Description = "Application id." };
        var role = new Option<string>("--role") { Description = "app (default) or admin.", DefaultValueFactory = _ => "app" };
        var output = new Option<string>("--out") { Description = "File to write the new API key to (mode 0600); it is shown nowhere else.", Required = true };
        return new Command("app", "Applications (API key holders) of a KMS server (admin).")
        {
            Admin(context, "create", "Register an application and write its API key to a file.", [id, role, output], (h, p, t, j, c) =>
                h.CreateApplicationAsync(t, p.GetRequiredValue(id), p.GetRequiredValue(role), p.GetRequiredValue(output), j, c)),
            Admin(context, "list", "List applications.", [], (h, _, t, j, c) => h.ListApplicationsAsync(t, j, c)),
        };
    }

    private static Command CreatePolicy(CliContext context)
    {
        var id = new Argument<string>("id") { Description = "Policy id." };
        var file = new Option<string>("--file") { Description = "The policy (JSON object) as the quote verifier reads it.", Required = true };
        var description = new Option<string?>("--description") { Description = "A human description." };
        return new Command("policy", "Attestation (appraisal) policies of a KMS server.")
        {
            Admin(context, "set", "Register or replace an attestation policy (admin).", [id, file, description], (h, p, t, j, c) =>
                h.SetPolicyAsync(t, p.GetRequiredValue(id), p.GetRequiredValue(file), p.GetValue(description), j, c)),
            Admin(context, "list", "List attestation policies.", [], (h, _, t, j, c) => h.ListPoliciesAsync(t, j, c)),
        };
    }

    private static Command CreateRoot(CliContext context)
    {
        var store = new Option<string?>("--store") { Description = StoreDescription };
        var secretFile = new Option<string?>("--secret-file") { Description = "Operator secret (default: STORE/operator.secret)." };
        var threshold = new Option<int>("--threshold") { Description = "Shares needed to recover (k).", Required = true };
        var shares = new Option<int>("--shares") { Description = "Shares to make (n).", Required = true };
        var output = new Option<string>("--out") { Description = "Directory for share-1.txt ... share-n.txt (mode 0600); give each to a different custodian.", Required = true };
        var split = new Command("split", "Split the root key into n shares, any k of which recover it.") { store, secretFile, threshold, shares, output };
        split.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () => new KmsHandler(context).SplitRootAsync(
            parse.GetValue(CommonOptions.Home), parse.GetValue(store), parse.GetValue(secretFile), parse.GetValue(threshold), parse.GetValue(shares), parse.GetRequiredValue(output), cancellationToken)));

        var recoverStore = new Option<string?>("--store") { Description = StoreDescription };
        var shareFiles = new Option<string[]>("--share") { Description = "A share file; repeat k times.", Required = true };
        var newSecret = new Option<string>("--secret-file") { Description = "The new operator secret file (generated when missing).", Required = true };
        var recover = new Command("recover", "Recover the root key from k shares and seal it under a new operator secret.") { recoverStore, shareFiles, newSecret };
        recover.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () => new KmsHandler(context).RecoverRootAsync(
            parse.GetValue(CommonOptions.Home), parse.GetValue(recoverStore), parse.GetRequiredValue(shareFiles), parse.GetRequiredValue(newSecret), cancellationToken)));
        return new Command("root", "k-of-n Shamir recovery of a KMS server's root key (run with the server stopped).") { split, recover };
    }
}
