using System.CommandLine;

namespace Ppml.Cli.Options;

/// <summary>The examples at the end of each command's <c>--help</c> (see <see cref="CommandExamples"/>), by command path.</summary>
internal static class HelpExamples
{
    private const string Server = "--kms https://127.0.0.1:9876 --api-key-file app.apikey";

    private static readonly (string Path, string[] Examples)[] s_examples =
    [
        ("init",
        [
            "ppml init  # ./.ppml: enclave key, TLS CA and certificate, encrypted password, local KMS with key 'primary'",
            "ppml init --home /secure/ppml --force  # the old workspace moves to backups/",
        ]),
        ("encrypt",
        [
            "ppml encrypt --in people.csv --out people.csv.ppml",
            "ppml encrypt --in data/ --out data.enc/ --key datasets  # a tree: one fresh data key per file",
            $"ppml encrypt --in data/ --out data.enc/ --key datasets {Server}  # keys from a KMS server",
        ]),
        ("decrypt",
        [
            "ppml decrypt --in people.csv.ppml --out people.csv",
            $"ppml decrypt --in data.enc/ --out data/ --attest {Server}  # as an attested workload",
        ]),
        ("sql",
        [
            "ppml sql \"SELECT name FROM people WHERE age > 20\" --table people=people.json.ppml",
            "ppml sql \"SELECT count(*) FROM logs\" --table logs=logs/:csv --require-encrypted  # a directory of encrypted parts",
            "ppml sql \"SELECT * FROM a JOIN b USING (id)\" --table a=a.csv.ppml --table b=b.parquet --out joined.parquet --encrypt",
            "ppml sql \"SELECT * FROM m\" --table m=m.csv.ppml --option m.header=false --option \"m.delimiter=;\" --option \"m.schema=id BIGINT, price DECIMAL(10,2)\"",
        ]),
        ("examples",
        [
            "ppml examples pi",
            "ppml examples wordcount --in hamlet.txt.ppml",
            "ppml examples sql-basic",
            "ppml examples tpch --sf 0.01",
        ]),
        ("tpch gen",
        [
            "ppml tpch gen --sf 1 --out tpch/ --encrypt --parts 4  # straight into containers: no plaintext on disk",
            "ppml tpch gen --sf 0.1 --out tpch-plain/ --json",
        ]),
        ("tpch run",
        [
            "ppml tpch run --data tpch/ --require-encrypted",
            "ppml tpch run --data dbgen/ --queries 1,6,14 --out answers/  # official dbgen .tbl files work as they are",
            "ppml tpch run --data tpch/ --out answers/ --encrypt --json",
        ]),
        ("tpch bench", ["ppml tpch bench --sf 1 --repeat 5 --report tpch-sf1.md"]),
        ("train lenet",
        [
            "ppml train lenet --data mnist/ --out lenet.model.ppml --epochs 2 --plot training.png",
            "ppml train lenet --data mnist/ --out lenet.model.ppml --epochs 2 --resume  # continue from lenet.model.checkpoint.ppml after an interruption",
            "ppml train lenet --data mnist/ --out lenet.model.ppml --json  # one JSON object per epoch, then the result",
        ]),
        ("evaluate", ["ppml evaluate --model lenet.model.ppml --data mnist/", "ppml evaluate --model lenet.model.ppml --data mnist/ --json"]),
        ("predict",
        [
            "ppml predict --model lenet.model.ppml --image digit.pgm",
            "ppml predict --model mnist.onnx.ppml --image digit.pgm --shape 1,1,28,28  # an ONNX model, decrypted in memory",
            "ppml predict --model lenet.model.ppml --image digit.pgm --json",
        ]),
        ("attest verify",
        [
            "ppml attest verify quote.bin --collateral collateral.json --policy policy.json",
            "ppml attest verify quote.hex --tcb-info tcbinfo.json --qe-identity qe.json --tcb-signing-chain chain.pem --json",
        ]),
        ("kms serve", ["ppml kms serve --urls https://127.0.0.1:9876  # first start writes STORE/admin.apikey"]),
        ("kms key create",
        [
            "ppml kms key create datasets",
            "ppml kms key create guarded --release-policy release.json --kms https://127.0.0.1:9876 --api-key-file admin.apikey",
        ]),
        ("quickstart", ["ppml quickstart", "ppml quickstart --json"]),
    ];

    /// <summary>Attaches the examples to their commands in <paramref name="root"/>.</summary>
    public static void AttachTo(RootCommand root)
    {
        foreach ((string path, string[] examples) in s_examples)
        {
            Command command = root;
            foreach (string name in path.Split(' '))
            {
                command = command.Subcommands.Single(c => c.Name == name);
            }

            command.WithExamples(examples);
        }
    }
}
