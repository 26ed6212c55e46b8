using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Ppml.Tee.IO;

namespace Ppml.Tee.Tests.Fakes;

/// <summary>
/// Emulates the kernel's configfs-tsm and Gramine's /dev/attestation pseudo-files: writing report data makes the
/// next quote read embed it; configfs report entries get provider/generation/inblob/outblob on mkdir and bump
/// generation on every inblob write. Knobs make it misbehave the ways real systems can.
/// </summary>
internal sealed class EmulatedTeeFileSystem : ITeeFileSystem
{
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal) { "/" };

    public bool IgnoreReportData { get; set; }

    public bool RacingWriter { get; set; }

    public string TsmProvider { get; set; } = "tdx_guest";

    public List<string> Writes { get; } = [];

    public static EmulatedTeeFileSystem WithGramine(string attestationType = "dcap")
    {
        var fs = new EmulatedTeeFileSystem();
        fs._directories.Add("/dev/attestation");
        fs._files["/dev/attestation/attestation_type"] = Encoding.ASCII.GetBytes(attestationType);
        fs._files["/dev/attestation/user_report_data"] = new byte[64];
        fs._files["/dev/attestation/quote"] = [];
        fs._files["/dev/attestation/keys/_sgx_mrenclave"] = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
        fs._files["/dev/attestation/keys/_sgx_mrsigner"] = Enumerable.Range(100, 16).Select(i => (byte)i).ToArray();
        return fs;
    }

    public static EmulatedTeeFileSystem WithTsm()
    {
        var fs = new EmulatedTeeFileSystem();
        fs._directories.Add("/sys/kernel/config/tsm/report");
        return fs;
    }

    public IEnumerable<string> Directories => _directories;

    public bool FileExists(string path) => _files.ContainsKey(path);

    public bool DirectoryExists(string path) => _directories.Contains(path);

    public Task<byte[]> ReadAllBytesAsync(string path, CancellationToken cancellationToken)
    {
        if (!_files.TryGetValue(path, out byte[]? content))
        {
            throw new FileNotFoundException(path);
        }

        if (path == "/dev/attestation/quote")
        {
            return Task.FromResult(Quote(3, 0x00, IgnoreReportData ? new byte[64] : _files["/dev/attestation/user_report_data"]));
        }

        if (path.EndsWith("/outblob", StringComparison.Ordinal))
        {
            string entry = path[..^"/outblob".Length];
            return Task.FromResult(Quote(4, 0x81, IgnoreReportData ? new byte[64] : _files[entry + "/inblob"]));
        }

        return Task.FromResult(content.ToArray());
    }

    public Task WriteAllBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (!_files.ContainsKey(path))
        {
            throw new FileNotFoundException(path);
        }

        Writes.Add(path);
        _files[path] = content.ToArray();
        if (path.EndsWith("/inblob", StringComparison.Ordinal))
        {
            string generationPath = path[..^"/inblob".Length] + "/generation";
            long generation = long.Parse(Encoding.ASCII.GetString(_files[generationPath]), CultureInfo.InvariantCulture);
            generation += RacingWriter ? 2 : 1;
            _files[generationPath] = Encoding.ASCII.GetBytes(generation.ToString(CultureInfo.InvariantCulture) + "\n");
        }

        return Task.CompletedTask;
    }

    public void CreateDirectory(string path)
    {
        _directories.Add(path);
        if (path.StartsWith("/sys/kernel/config/tsm/report/", StringComparison.Ordinal))
        {
            _files[path + "/provider"] = Encoding.ASCII.GetBytes(TsmProvider + "\n");
            _files[path + "/generation"] = "0\n"u8.ToArray();
            _files[path + "/inblob"] = [];
            _files[path + "/outblob"] = [];
        }
    }

    public void DeleteDirectory(string path)
    {
        _directories.Remove(path);
        foreach (string file in _files.Keys.Where(k => k.StartsWith(path + "/", StringComparison.Ordinal)).ToList())
        {
            _files.Remove(file);
        }
    }

    private static byte[] Quote(ushort version, uint teeType, byte[] reportData)
    {
        int bodyLength = teeType == 0 ? 384 : 584;
        byte[] quote = new byte[48 + bodyLength + 4 + 64];
        BinaryPrimitives.WriteUInt16LittleEndian(quote, version);
        BinaryPrimitives.WriteUInt16LittleEndian(quote.AsSpan(2), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(quote.AsSpan(4), teeType);
        reportData.CopyTo(quote, 48 + bodyLength - 64);
        return quote;
    }
}
