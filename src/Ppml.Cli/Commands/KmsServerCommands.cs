using System.CommandLine;
using Ppml.Cli.Handlers;

namespace Ppml.Cli.Commands;

/// <summary><c>ppml kms serve</c>, <c>ppml kms app create|list</c>, <c>ppml kms policy set|list</c>, <c>ppml kms root split|recover</c>.</summary>
internal static class KmsServerCommands
{
    public static void AddTo(Command kms, CliContext context)
    {
        kms.Subcommands.Add(CreateServe(context));
        kms.Subcommands.Add(CreateApp(context));
        kms.Subcommands.Add(CreatePolicy(context));
        kms.Subcommands.Add(CreateRoot(context));
    }

    private static Command CreateServe(CliContext context)
    {
        var urls = new Option<string[]>("--urls") { Description = "https://IP:PORT to listen on; repeat for several (default https://127.0.0.1:9876; port 0 picks one). http:// is refused." };
        var store = new Option<string?>("--store") { Description = "Store directory (default: HOME/kms-server)." };
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
        serve.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new KmsServeHandler(context).RunAsync(
                parse.GetValue(CommonOptions.Home),
                parse.GetValue(urls) ?? [],
                parse.GetValue(store),
                parse.GetValue(secretFile),
                cancellationToken,
                // A bare --simulated-platform means the workspace's platform.
                parse.GetResult(simulatedPlatform) is null ? null : parse.GetValue(simulatedPlatform) ?? KmsServeHandler.WorkspacePlatform,
                parse.GetValue(intelOnly),
                parse.GetValue(collateral),
                parse.GetValue(durableReadAudits))));
        return serve;
    }

    private static Command CreateApp(CliContext context)
    {
        var app = new Command("app", "Applications (API key holders) of a KMS server (admin).");
        var id = new Argument<string>("id") { Description = "Application id." };
        var role = new Option<string>("--role") { Description = "app (default) or admin.", DefaultValueFactory = _ => "app" };
        var output = new Option<string>("--out") { Description = "File to write the new API key to (mode 0600); it is shown nowhere else.", Required = true };
        KmsTargetOptions target = new();
        Option<bool> json = CommonOptions.Json();
        var create = new Command("create", "Register an application and write its API key to a file.") { id, role, output, json };
        target.AddTo(create);
        create.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new KmsAdminHandler(context).CreateApplicationAsync(
                target.Read(parse), parse.GetRequiredValue(id), parse.GetRequiredValue(role), parse.GetRequiredValue(output), parse.GetValue(json), cancellationToken)));

        KmsTargetOptions listTarget = new();
        Option<bool> listJson = CommonOptions.Json();
        var list = new Command("list", "List applications.") { listJson };
        listTarget.AddTo(list);
        list.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new KmsAdminHandler(context).ListApplicationsAsync(listTarget.Read(parse), parse.GetValue(listJson), cancellationToken)));
        app.Subcommands.Add(create);
        app.Subcommands.Add(list);
        return app;
    }

    private static Command CreatePolicy(CliContext context)
    {
        var policy = new Command("policy", "Attestation (appraisal) policies of a KMS server.");
        var id = new Argument<string>("id") { Description = "Policy id." };
        var file = new Option<string>("--file") { Description = "The policy (JSON object) as the quote verifier reads it.", Required = true };
        var description = new Option<string?>("--description") { Description = "A human description." };
        KmsTargetOptions target = new();
        Option<bool> json = CommonOptions.Json();
        var set = new Command("set", "Register or replace an attestation policy (admin).") { id, file, description, json };
        target.AddTo(set);
        set.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new KmsAdminHandler(context).SetPolicyAsync(
                target.Read(parse), parse.GetRequiredValue(id), parse.GetRequiredValue(file), parse.GetValue(description), parse.GetValue(json), cancellationToken)));

        KmsTargetOptions listTarget = new();
        Option<bool> listJson = CommonOptions.Json();
        var list = new Command("list", "List attestation policies.") { listJson };
        listTarget.AddTo(list);
        list.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new KmsAdminHandler(context).ListPoliciesAsync(listTarget.Read(parse), parse.GetValue(listJson), cancellationToken)));
        policy.Subcommands.Add(set);
        policy.Subcommands.Add(list);
        return policy;
    }

    private static Command CreateRoot(CliContext context)
    {
        var root = new Command("root", "k-of-n Shamir recovery of a KMS server's root key (run with the server stopped).");
        var store = new Option<string?>("--store") { Description = "Store directory (default: HOME/kms-server)." };
        var secretFile = new Option<string?>("--secret-file") { Description = "Operator secret (default: STORE/operator.secret)." };
        var threshold = new Option<int>("--threshold") { Description = "Shares needed to recover (k).", Required = true };
        var shares = new Option<int>("--shares") { Description = "Shares to make (n).", Required = true };
        var output = new Option<string>("--out") { Description = "Directory for share-1.txt ... share-n.txt (mode 0600); give each to a different custodian.", Required = true };
        var split = new Command("split", "Split the root key into n shares, any k of which recover it.") { store, secretFile, threshold, shares, output };
        split.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new KmsRootHandler(context).SplitAsync(
                parse.GetValue(CommonOptions.Home), parse.GetValue(store), parse.GetValue(secretFile), parse.GetValue(threshold), parse.GetValue(shares),
                parse.GetRequiredValue(output), cancellationToken)));

        var recoverStore = new Option<string?>("--store") { Description = "Store directory (default: HOME/kms-server)." };
        var shareFiles = new Option<string[]>("--share") { Description = "A share file; repeat k times.", Required = true };
        var newSecret = new Option<string>("--secret-file") { Description = "The new operator secret file (generated when missing).", Required = true };
        var recover = new Command("recover", "Recover the root key from k shares and seal it under a new operator secret.") { recoverStore, shareFiles, newSecret };
        recover.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(context, () =>
            new KmsRootHandler(context).RecoverAsync(
                parse.GetValue(CommonOptions.Home), parse.GetValue(recoverStore), parse.GetRequiredValue(shareFiles), parse.GetRequiredValue(newSecret), cancellationToken)));
        root.Subcommands.Add(split);
        root.Subcommands.Add(recover);
        return root;
    }
}
