using System.Text.Json;
using Ppml.Attestation.Internal;

namespace Ppml.Attestation.Collateral;

/// <summary>
/// Intel TCB Info (version 2 or 3; SGX or TDX) for one FMSPC: the TCB levels a platform is matched against, and for
/// TDX the TDX module identities. The JSON shape is Intel PCS's <c>tcbInfo</c> object.
/// </summary>
public sealed class TcbInfo
{
    /// <summary>The <c>id</c> of SGX TCB Info (also implied by version 2, which has no id).</summary>
    public const string SgxId = "SGX";

    /// <summary>The <c>id</c> of TDX TCB Info.</summary>
    public const string TdxId = "TDX";

    private static readonly HashSet<string> s_moduleStatuses = new(StringComparer.Ordinal) { "UpToDate", "OutOfDate", "Revoked" };

    private TcbInfo()
    {
    }

    /// <summary><c>SGX</c> or <c>TDX</c>.</summary>
    public string Id { get; private init; } = SgxId;

    /// <summary>Structure version: 2 (SGX only, deprecated) or 3.</summary>
    public int Version { get; private init; }

    /// <summary>When Intel issued this TCB Info.</summary>
    public DateTimeOffset IssueDate { get; private init; }

    /// <summary>When the next TCB Info is due; after it this one has expired.</summary>
    public DateTimeOffset NextUpdate { get; private init; }

    /// <summary>The FMSPC (6 bytes) this TCB Info applies to.</summary>
    public ReadOnlyMemory<byte> Fmspc { get; private init; }

    /// <summary>The PCE ID (2 bytes).</summary>
    public ReadOnlyMemory<byte> PceId { get; private init; }

    /// <summary>TCB type (0: component SVNs map one to one onto CPUSVN bytes).</summary>
    public long TcbType { get; private init; }

    /// <summary>Monotonic number of the TCB evaluation this data belongs to.</summary>
    public long TcbEvaluationDataNumber { get; private init; }

    /// <summary>TCB levels in document order.</summary>
    public IReadOnlyList<TcbLevel> TcbLevels { get; private init; } = [];

    /// <summary>TDX only: the default TDX module identity.</summary>
    public TdxModule? TdxModule { get; private init; }

    /// <summary>TDX only: TDX module identities by major version (<c>TDX_01</c>, <c>TDX_03</c>...), or <see langword="null"/> when absent.</summary>
    public IReadOnlyList<TdxModuleIdentity>? TdxModuleIdentities { get; private init; }

    /// <summary>True for TDX TCB Info (version 3, id <c>TDX</c>).</summary>
    public bool IsTdx => Version >= 3 && Id == TdxId;

    /// <summary>TCB levels ordered as Intel's QVL keeps them: highest SGX components, then PCESVN (then TDX components) first; duplicates dropped.</summary>
    internal IReadOnlyList<TcbLevel> OrderedLevels { get; private init; } = [];

    internal static TcbInfo Parse(JsonElement root, string input)
    {
        const string Path = "tcbInfo";
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw JsonReading.Error(input, Path, $"must be an object, found {root.ValueKind}");
        }

        int version = (int)JsonReading.UnsignedInteger(root, "version", 1000, input, Path);
        if (version is not (2 or 3))
        {
            throw JsonReading.Error(input, $"{Path}.version", $"is {version}; supported TCB Info versions are 2 and 3");
        }

        string id = version >= 3 ? JsonReading.String(root, "id", input, Path) : JsonReading.OptionalString(root, "id", input, Path) ?? SgxId;
        if (id is not (SgxId or TdxId))
        {
            throw JsonReading.Error(input, $"{Path}.id", $"is '{id}'; expected 'SGX' or 'TDX'");
        }

        if (version < 3 && id == TdxId)
        {
            throw JsonReading.Error(input, $"{Path}.id", "is 'TDX' but TDX TCB Info requires version 3");
        }

        bool isTdx = id == TdxId;
        var levels = new List<TcbLevel>();
        JsonElement levelArray = JsonReading.Array(root, "tcbLevels", input, Path);
        int index = 0;
        foreach (JsonElement level in levelArray.EnumerateArray())
        {
            levels.Add(TcbLevel.Parse(level, version, isTdx, input, $"{Path}.tcbLevels[{index++}]"));
        }

        if (levels.Count == 0)
        {
            throw JsonReading.Error(input, $"{Path}.tcbLevels", "is empty");
        }

        TdxModule? module = null;
        List<TdxModuleIdentity>? identities = null;
        if (isTdx)
        {
            JsonElement moduleElement = JsonReading.Object(root, "tdxModule", input, Path);
            module = new TdxModule
            {
                MrSigner = JsonReading.HexBytes(moduleElement, "mrsigner", 48, input, $"{Path}.tdxModule"),
                Attributes = JsonReading.HexBytes(moduleElement, "attributes", 8, input, $"{Path}.tdxModule"),
                AttributesMask = JsonReading.HexBytes(moduleElement, "attributesMask", 8, input, $"{Path}.tdxModule"),
            };

            if (root.TryGetProperty("tdxModuleIdentities", out JsonElement identityArray) && identityArray.ValueKind != JsonValueKind.Null)
            {
                JsonReading.Array(root, "tdxModuleIdentities", input, Path);
                identities = [];
                int i = 0;
                foreach (JsonElement identity in identityArray.EnumerateArray())
                {
                    identities.Add(ParseModuleIdentity(identity, input, $"{Path}.tdxModuleIdentities[{i++}]"));
                }
            }
        }

        return new TcbInfo
        {
            Id = id,
            Version = version,
            IssueDate = JsonReading.Date(root, "issueDate", input, Path),
            NextUpdate = JsonReading.Date(root, "nextUpdate", input, Path),
            Fmspc = JsonReading.HexBytes(root, "fmspc", 6, input, Path),
            PceId = JsonReading.HexBytes(root, "pceId", 2, input, Path),
            TcbType = JsonReading.UnsignedInteger(root, "tcbType", uint.MaxValue, input, Path),
            TcbEvaluationDataNumber = JsonReading.UnsignedInteger(root, "tcbEvaluationDataNumber", uint.MaxValue, input, Path),
            TcbLevels = levels,
            OrderedLevels = Order(levels, isTdx),
            TdxModule = module,
            TdxModuleIdentities = identities,
        };
    }

    private static TdxModuleIdentity ParseModuleIdentity(JsonElement element, string input, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw JsonReading.Error(input, path, $"must be an object, found {element.ValueKind}");
        }

        var levels = new List<TdxModuleTcbLevel>();
        int i = 0;
        foreach (JsonElement level in JsonReading.Array(element, "tcbLevels", input, path).EnumerateArray())
        {
            string levelPath = $"{path}.tcbLevels[{i++}]";
            if (level.ValueKind != JsonValueKind.Object)
            {
                throw JsonReading.Error(input, levelPath, $"must be an object, found {level.ValueKind}");
            }

            string status = JsonReading.String(level, "tcbStatus", input, levelPath);
            if (!s_moduleStatuses.Contains(status))
            {
                throw JsonReading.Error(input, $"{levelPath}.tcbStatus", $"is '{status}'; a TDX module level is UpToDate, OutOfDate or Revoked");
            }

            levels.Add(new TdxModuleTcbLevel
            {
                IsvSvn = (int)JsonReading.UnsignedInteger(JsonReading.Object(level, "tcb", input, levelPath), "isvsvn", 255, input, $"{levelPath}.tcb"),
                TcbDate = JsonReading.Date(level, "tcbDate", input, levelPath),
                Status = Enum.Parse<TcbStatus>(status),
                AdvisoryIds = JsonReading.OptionalStrings(level, "advisoryIDs", input, levelPath),
            });
        }

        return new TdxModuleIdentity
        {
            Id = JsonReading.String(element, "id", input, path),
            MrSigner = JsonReading.HexBytes(element, "mrsigner", 48, input, path),
            Attributes = JsonReading.HexBytes(element, "attributes", 8, input, path),
            AttributesMask = JsonReading.HexBytes(element, "attributesMask", 8, input, path),
            TcbLevels = levels,
        };
    }

    private static List<TcbLevel> Order(List<TcbLevel> levels, bool isTdx)
    {
        // Intel keeps levels in std::set<TcbLevel, std::greater<TcbLevel>>: descending, equivalent levels kept once
        // (the first inserted wins). OrderBy is stable, so "first wins" holds after dropping adjacent equivalents.
        var comparer = Comparer<TcbLevel>.Create((a, b) => Compare(b, a, isTdx));
        var ordered = new List<TcbLevel>(levels.Count);
        foreach (TcbLevel level in levels.OrderBy(l => l, comparer))
        {
            if (ordered.Count == 0 || Compare(ordered[^1], level, isTdx) != 0)
            {
                ordered.Add(level);
            }
        }

        return ordered;
    }

    private static int Compare(TcbLevel a, TcbLevel b, bool isTdx)
    {
        int sgx = Lexicographic(a.SgxComponents, b.SgxComponents);
        if (sgx != 0)
        {
            return sgx;
        }

        if (isTdx && a.PceSvn == b.PceSvn)
        {
            return Lexicographic(a.TdxComponents, b.TdxComponents);
        }

        return a.PceSvn.CompareTo(b.PceSvn);
    }

    private static int Lexicographic(IReadOnlyList<byte> a, IReadOnlyList<byte> b)
    {
        for (int i = 0; i < Math.Min(a.Count, b.Count); i++)
        {
            int c = a[i].CompareTo(b[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return a.Count.CompareTo(b.Count);
    }
}

/// <summary>One TCB level of TCB Info: the minimum SVNs for a status.</summary>
public sealed record TcbLevel
{
    private static readonly HashSet<string> s_statuses = new(StringComparer.Ordinal)
    {
        "UpToDate", "SWHardeningNeeded", "ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded",
        "OutOfDate", "OutOfDateConfigurationNeeded", "Revoked",
    };

    /// <summary>The 16 SGX TCB component SVNs.</summary>
    public required IReadOnlyList<byte> SgxComponents { get; init; }

    /// <summary>The 16 TDX TCB component SVNs (TDX TCB Info only; otherwise empty).</summary>
    public required IReadOnlyList<byte> TdxComponents { get; init; }

    /// <summary>Minimum PCESVN.</summary>
    public required int PceSvn { get; init; }

    /// <summary>Status of platforms at this level.</summary>
    public required TcbStatus Status { get; init; }

    /// <summary>Date of the TCB recovery that defines this level.</summary>
    public required DateTimeOffset TcbDate { get; init; }

    /// <summary>Intel security advisories (<c>INTEL-SA-XXXXX</c>) that apply at this level.</summary>
    public required IReadOnlyList<string> AdvisoryIds { get; init; }

    internal static TcbLevel Parse(JsonElement level, int version, bool isTdx, string input, string path)
    {
        if (level.ValueKind != JsonValueKind.Object)
        {
            throw JsonReading.Error(input, path, $"must be an object, found {level.ValueKind}");
        }

        JsonElement tcb = JsonReading.Object(level, "tcb", input, path);
        byte[] sgx = new byte[16];
        byte[] tdx = isTdx ? new byte[16] : [];
        if (version == 2)
        {
            for (int i = 0; i < 16; i++)
            {
                sgx[i] = (byte)JsonReading.UnsignedInteger(tcb, $"sgxtcbcomp{i + 1:D2}svn", 255, input, $"{path}.tcb");
            }
        }
        else
        {
            ReadComponents(tcb, "sgxtcbcomponents", sgx, input, $"{path}.tcb");
            if (isTdx)
            {
                ReadComponents(tcb, "tdxtcbcomponents", tdx, input, $"{path}.tcb");
            }
        }

        string status = JsonReading.String(level, "tcbStatus", input, path);
        if (!s_statuses.Contains(status))
        {
            throw JsonReading.Error(input, $"{path}.tcbStatus", $"is '{status}', which is not an Intel TCB status");
        }

        return new TcbLevel
        {
            SgxComponents = sgx,
            TdxComponents = tdx,
            PceSvn = (int)JsonReading.UnsignedInteger(tcb, "pcesvn", ushort.MaxValue, input, $"{path}.tcb"),
            Status = Enum.Parse<TcbStatus>(status),
            TcbDate = JsonReading.Date(level, "tcbDate", input, path),
            AdvisoryIds = JsonReading.OptionalStrings(level, "advisoryIDs", input, path),
        };
    }

    private static void ReadComponents(JsonElement tcb, string name, byte[] target, string input, string path)
    {
        JsonElement array = JsonReading.Array(tcb, name, input, path);
        if (array.GetArrayLength() != 16)
        {
            throw JsonReading.Error(input, $"{path}.{name}", $"has {array.GetArrayLength()} entries; expected 16");
        }

        int i = 0;
        foreach (JsonElement component in array.EnumerateArray())
        {
            if (component.ValueKind != JsonValueKind.Object)
            {
                throw JsonReading.Error(input, $"{path}.{name}[{i}]", $"must be an object, found {component.ValueKind}");
            }

            target[i] = (byte)JsonReading.UnsignedInteger(component, "svn", 255, input, $"{path}.{name}[{i}]");
            i++;
        }
    }
}

/// <summary>The TDX module identity that <c>MRSIGNERSEAM</c> and <c>SEAMATTRIBUTES</c> of a TD report must match.</summary>
public sealed record TdxModule
{
    /// <summary>Expected MRSIGNER of the TDX module (48 bytes).</summary>
    public required ReadOnlyMemory<byte> MrSigner { get; init; }

    /// <summary>Expected SEAM attributes (8 bytes).</summary>
    public required ReadOnlyMemory<byte> Attributes { get; init; }

    /// <summary>Attribute mask (8 bytes).</summary>
    public required ReadOnlyMemory<byte> AttributesMask { get; init; }
}

/// <summary>A TDX module identity for one module major version (<c>TDX_01</c> is version 1), with its own TCB levels.</summary>
public sealed record TdxModuleIdentity
{
    /// <summary>Identity name, <c>TDX_</c> followed by the two-digit hex major version.</summary>
    public required string Id { get; init; }

    /// <summary>Expected MRSIGNER of the TDX module (48 bytes).</summary>
    public required ReadOnlyMemory<byte> MrSigner { get; init; }

    /// <summary>Expected SEAM attributes (8 bytes).</summary>
    public required ReadOnlyMemory<byte> Attributes { get; init; }

    /// <summary>Attribute mask (8 bytes).</summary>
    public required ReadOnlyMemory<byte> AttributesMask { get; init; }

    /// <summary>TCB levels by minimum module ISVSVN, in document order.</summary>
    public required IReadOnlyList<TdxModuleTcbLevel> TcbLevels { get; init; }
}

/// <summary>A TCB level of a TDX module identity.</summary>
public sealed record TdxModuleTcbLevel
{
    /// <summary>Minimum TDX module ISVSVN (TEE_TCB_SVN byte 0).</summary>
    public required int IsvSvn { get; init; }

    /// <summary>Date of the TCB recovery that defines this level.</summary>
    public required DateTimeOffset TcbDate { get; init; }

    /// <summary>UpToDate, OutOfDate or Revoked.</summary>
    public required TcbStatus Status { get; init; }

    /// <summary>Intel security advisories that apply at this level.</summary>
    public required IReadOnlyList<string> AdvisoryIds { get; init; }
}
