using System.Globalization;
using System.Runtime.InteropServices;

namespace Ppml.Data.Spill;

/// <summary>
/// PLT/GOT hooking of a shared object already loaded in this process (Linux x64 and arm64), as bhook, xhook and plthook
/// do: the library's calls to an imported function go through its global offset table, so writing another address into
/// that slot redirects the library's calls (and only the library's: every other module keeps its own GOT).
/// </summary>
/// <remarks>
/// The dynamic section is read from memory: <c>DT_JMPREL</c>/<c>DT_PLTRELSZ</c> and <c>DT_RELA</c>/<c>DT_RELASZ</c>
/// (<c>Elf64_Rela</c>), <c>DT_SYMTAB</c> (<c>Elf64_Sym</c>) and <c>DT_STRTAB</c>. A relocation of type JUMP_SLOT or GLOB_DAT
/// whose symbol is named is a slot to patch. Pages under RELRO are read-only: each write makes its page writable, writes one
/// aligned pointer (atomic on both architectures) and restores the page's protection.
/// </remarks>
internal static unsafe class ElfGotHooks
{
    private const long DynamicNull = 0; // DT_NULL
    private const long DynamicPltRelocationSize = 2; // DT_PLTRELSZ
    private const long DynamicStringTable = 5; // DT_STRTAB
    private const long DynamicSymbolTable = 6; // DT_SYMTAB
    private const long DynamicRela = 7; // DT_RELA
    private const long DynamicRelaSize = 8; // DT_RELASZ
    private const long DynamicRelaEntrySize = 9; // DT_RELAENT
    private const long DynamicSymbolEntrySize = 11; // DT_SYMENT
    private const long DynamicPltRelocationType = 20; // DT_PLTREL
    private const long DynamicJumpRelocations = 23; // DT_JMPREL
    private const uint ProgramDynamic = 2; // PT_DYNAMIC
    private const int RelaSize = 24; // sizeof(Elf64_Rela)
    private const int SymbolSize = 24; // sizeof(Elf64_Sym)
    private const int ProgramHeaderSize = 56; // sizeof(Elf64_Phdr)
    private const int MaximumDynamicEntries = 1 << 16;

    /// <summary>Whether this platform's ELF, relocation types and calling convention are the ones handled here.</summary>
    public static bool IsPlatformSupported =>
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>The loaded modules whose path ends with <paramref name="suffix"/> (<c>dl_iterate_phdr</c>).</summary>
    public static IReadOnlyList<LoadedModule> FindModules(string suffix)
    {
        if (!IsPlatformSupported)
        {
            return [];
        }

        var search = new ModuleSearch(suffix);
        GCHandle handle = GCHandle.Alloc(search);
        try
        {
            _ = SpillNative.IteratePrograms(&OnModule, GCHandle.ToIntPtr(handle));
        }
        finally
        {
            handle.Free();
        }

        return search.Found;
    }

    /// <summary>
    /// The GOT slots of <paramref name="symbols"/> in the module loaded at <paramref name="loadBase"/> whose dynamic section
    /// is at <paramref name="dynamic"/>.
    /// </summary>
    /// <param name="loadBase">The module's load bias (<c>dlpi_addr</c>).</param>
    /// <param name="dynamic">The address of its <c>PT_DYNAMIC</c> segment in memory.</param>
    /// <param name="symbols">The imported function names to find.</param>
    /// <param name="architecture">Selects the relocation types (x86_64: JUMP_SLOT 7, GLOB_DAT 6; aarch64: 1026, 1025).</param>
    /// <returns>Every slot found (a symbol can have several: one JUMP_SLOT and one GLOB_DAT).</returns>
    /// <exception cref="InvalidDataException">The dynamic section lacks a table or uses a layout not handled here.</exception>
    public static IReadOnlyList<GotSlot> FindSlots(nint loadBase, nint dynamic, IReadOnlySet<string> symbols, Architecture architecture)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        (uint jumpSlot, uint globalData) = architecture switch
        {
            Architecture.X64 => (7u, 6u),
            Architecture.Arm64 => (1026u, 1025u),
            _ => throw new PlatformNotSupportedException($"GOT hooking handles x64 and arm64, not {architecture}."),
        };

        nint stringTable = 0, symbolTable = 0, rela = 0, jumpRelocations = 0;
        long relaSize = 0, jumpSize = 0, relaEntry = RelaSize, symbolEntry = SymbolSize, pltType = DynamicRela;
        long* entry = (long*)dynamic;
        for (int i = 0; ; i++, entry += 2)
        {
            if (i >= MaximumDynamicEntries)
            {
                throw new InvalidDataException("The dynamic section has no DT_NULL terminator.");
            }

            long tag = entry[0];
            long value = entry[1];
            if (tag == DynamicNull)
            {
                break;
            }

            switch (tag)
            {
                case DynamicStringTable: stringTable = Pointer(loadBase, value); break;
                case DynamicSymbolTable: symbolTable = Pointer(loadBase, value); break;
                case DynamicRela: rela = Pointer(loadBase, value); break;
                case DynamicRelaSize: relaSize = value; break;
                case DynamicRelaEntrySize: relaEntry = value; break;
                case DynamicSymbolEntrySize: symbolEntry = value; break;
                case DynamicJumpRelocations: jumpRelocations = Pointer(loadBase, value); break;
                case DynamicPltRelocationSize: jumpSize = value; break;
                case DynamicPltRelocationType: pltType = value; break;
                default: break;
            }
        }

        if (stringTable == 0 || symbolTable == 0)
        {
            throw new InvalidDataException("The dynamic section has no DT_STRTAB or DT_SYMTAB.");
        }

        if (relaEntry != RelaSize || symbolEntry != SymbolSize || pltType != DynamicRela)
        {
            throw new InvalidDataException($"Unexpected relocation layout (DT_RELAENT {relaEntry}, DT_SYMENT {symbolEntry}, DT_PLTREL {pltType}); Elf64_Rela and Elf64_Sym expected.");
        }

        if (relaSize % RelaSize != 0 || jumpSize % RelaSize != 0 || relaSize < 0 || jumpSize < 0)
        {
            throw new InvalidDataException($"Relocation table sizes {relaSize} and {jumpSize} are not multiples of {RelaSize}.");
        }

        var slots = new List<GotSlot>();
        Scan(jumpRelocations, jumpSize);
        Scan(rela, relaSize);
        return slots;

        void Scan(nint table, long size)
        {
            if (table == 0)
            {
                return;
            }

            for (long offset = 0; offset < size; offset += RelaSize)
            {
                byte* relocation = (byte*)table + offset;
                ulong info = *(ulong*)(relocation + 8);
                uint type = (uint)info;
                uint symbol = (uint)(info >> 32);
                if ((type != jumpSlot && type != globalData) || symbol == 0)
                {
                    continue;
                }

                uint nameOffset = *(uint*)((byte*)symbolTable + ((long)symbol * SymbolSize));
                string? name = Marshal.PtrToStringUTF8(stringTable + (nint)nameOffset);
                if (name is not null && symbols.Contains(name))
                {
                    slots.Add(new GotSlot(name, loadBase + (nint)(*(ulong*)relocation)));
                }
            }
        }
    }

    /// <summary>
    /// Writes each value into its slot, making read-only pages writable for the write and restoring their protection. All
    /// or nothing: on a failure the slots already written get their previous values back.
    /// </summary>
    /// <exception cref="IOException">A page's protection is unknown or could not be changed.</exception>
    public static void Patch(IReadOnlyList<(nint Slot, nint Value)> writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        IReadOnlyList<Mapping> mappings = ReadMappings();
        var done = new List<(nint Slot, nint Previous)>(writes.Count);
        try
        {
            foreach ((nint slot, nint value) in writes)
            {
                nint previous = Write(mappings, slot, value);
                done.Add((slot, previous));
            }
        }
        catch
        {
            for (int i = done.Count - 1; i >= 0; i--)
            {
                try
                {
                    _ = Write(mappings, done[i].Slot, done[i].Previous);
                }
                catch (IOException)
                {
                    // Best effort: the page that refused a write refuses the rollback too, so nothing was changed there.
                }
            }

            throw;
        }
    }

    /// <summary>Reads a slot's current value.</summary>
    public static nint Read(nint slot) => Volatile.Read(ref *(nint*)slot);

    private static nint Write(IReadOnlyList<Mapping> mappings, nint slot, nint value)
    {
        if (slot % IntPtr.Size != 0)
        {
            throw new IOException($"GOT slot 0x{slot:x} is not pointer-aligned.");
        }

        nint pageSize = Environment.SystemPageSize;
        nint page = slot & ~(pageSize - 1);
        Mapping? mapping = mappings.FirstOrDefault(m => m.Start <= slot && slot + IntPtr.Size <= m.End);
        if (mapping is null)
        {
            throw new IOException($"GOT slot 0x{slot:x} is in no mapping of /proc/self/maps.");
        }

        int protection = mapping.Protection;
        bool writable = (protection & SpillNative.ProtectWrite) != 0;
        if (!writable && SpillNative.Protect(page, (nuint)pageSize, protection | SpillNative.ProtectWrite) != 0)
        {
            int error = Marshal.GetLastPInvokeError();
            throw new IOException($"mprotect of the GOT page 0x{page:x} failed: errno {error}.");
        }

        nint previous = Volatile.Read(ref *(nint*)slot);
        Volatile.Write(ref *(nint*)slot, value);
        if (!writable && SpillNative.Protect(page, (nuint)pageSize, protection) != 0)
        {
            int error = Marshal.GetLastPInvokeError();
            throw new IOException($"Restoring the protection of the GOT page 0x{page:x} failed: errno {error}.");
        }

        return previous;
    }

    /// <summary>The process's mappings and their protection (<c>/proc/self/maps</c>).</summary>
    private static List<Mapping> ReadMappings()
    {
        var mappings = new List<Mapping>();
        foreach (string line in File.ReadLines("/proc/self/maps"))
        {
            // 7f1c2a000000-7f1c2a021000 rw-p 00000000 00:00 0
            int dash = line.IndexOf('-', StringComparison.Ordinal);
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (dash <= 0 || space <= dash || line.Length < space + 4)
            {
                continue;
            }

            ulong start = ulong.Parse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            ulong end = ulong.Parse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            int protection = (line[space + 1] == 'r' ? SpillNative.ProtectRead : 0)
                | (line[space + 2] == 'w' ? SpillNative.ProtectWrite : 0)
                | (line[space + 3] == 'x' ? SpillNative.ProtectExecute : 0);
            mappings.Add(new Mapping((nint)start, (nint)end, protection));
        }

        return mappings;
    }

    /// <summary>A link-time address (musl, or an unrelocated entry) or an absolute one (glibc relocates DT_* pointers in place).</summary>
    private static nint Pointer(nint loadBase, long value) =>
        value == 0 ? 0 : (ulong)value < (ulong)loadBase ? loadBase + (nint)value : (nint)value;

    [UnmanagedCallersOnly]
    private static int OnModule(SpillNative.DlPhdrInfo* info, nuint size, nint data)
    {
        try
        {
            var search = (ModuleSearch)GCHandle.FromIntPtr(data).Target!;
            string? name = info->Name is null ? null : Marshal.PtrToStringUTF8((nint)info->Name);
            if (name is null || !name.EndsWith(search.Suffix, StringComparison.Ordinal))
            {
                return 0;
            }

            for (int i = 0; i < info->ProgramHeaderCount; i++)
            {
                byte* header = info->ProgramHeaders + (i * ProgramHeaderSize);
                if (*(uint*)header == ProgramDynamic)
                {
                    ulong virtualAddress = *(ulong*)(header + 16); // p_vaddr
                    search.Found.Add(new LoadedModule(name, info->Address, info->Address + (nint)virtualAddress));
                    break;
                }
            }

            return 0;
        }
        catch (Exception)
        {
            return 1; // never let an exception cross into native code; stops the iteration
        }
    }

    /// <summary>A loaded module: its path, load bias and dynamic section.</summary>
    internal readonly record struct LoadedModule(string Name, nint LoadBase, nint Dynamic);

    /// <summary>A GOT slot of an imported symbol.</summary>
    internal readonly record struct GotSlot(string Symbol, nint Address);

    private sealed record Mapping(nint Start, nint End, int Protection);

    private sealed class ModuleSearch(string suffix)
    {
        public string Suffix { get; } = suffix;

        public List<LoadedModule> Found { get; } = [];
    }
}
