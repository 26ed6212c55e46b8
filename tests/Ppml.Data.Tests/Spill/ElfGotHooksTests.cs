using System.Runtime.InteropServices;
using System.Text;
using Ppml.Data.Spill;
using Ppml.Testing;

namespace Ppml.Data.Tests.Spill;

/// <summary>The ELF dynamic-section walk on a hand-built image, the all-or-nothing patch, and the hooks in the real libduckdb.</summary>
public sealed class ElfGotHooksTests : IClassFixture<KmsFixture>
{
    private const int ImageSize = 4096;
    private readonly KmsFixture _fixture;

    public ElfGotHooksTests(KmsFixture fixture)
    {
        _fixture = fixture;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public unsafe void FindSlots_HandBuiltImage_FindsTheNamedJumpSlotsAndGlobDats(bool absolutePointers)
    {
        byte* image = BuildImage(absolutePointers, jumpSlot: 7, globalData: 6);
        try
        {
            nint loadBase = (nint)image;
            IReadOnlyList<ElfGotHooks.GotSlot> slots = ElfGotHooks.FindSlots(loadBase, loadBase, new HashSet<string> { "pread", "pwrite" }, Architecture.X64);

            Assert.Equal([new ElfGotHooks.GotSlot("pread", loadBase + 0x800), new ElfGotHooks.GotSlot("pwrite", loadBase + 0x810)], slots);
            Assert.Empty(ElfGotHooks.FindSlots(loadBase, loadBase, new HashSet<string> { "pread", "pwrite" }, Architecture.Arm64));
        }
        finally
        {
            NativeMemory.Free(image);
        }
    }

    [Fact]
    public unsafe void FindSlots_Aarch64RelocationTypes_AreRecognized()
    {
        byte* image = BuildImage(absolutePointers: true, jumpSlot: 1026, globalData: 1025);
        try
        {
            nint loadBase = (nint)image;
            IReadOnlyList<ElfGotHooks.GotSlot> slots = ElfGotHooks.FindSlots(loadBase, loadBase, new HashSet<string> { "pread", "malloc", "pwrite" }, Architecture.Arm64);
            Assert.Equal(["pread", "malloc", "pwrite"], slots.Select(s => s.Symbol));
        }
        finally
        {
            NativeMemory.Free(image);
        }
    }

    [Fact]
    public unsafe void FindSlots_NoStringTable_IsRefused()
    {
        byte* image = (byte*)NativeMemory.AllocZeroed(ImageSize);
        try
        {
            long* dynamic = (long*)image;
            dynamic[0] = 6; // DT_SYMTAB only
            dynamic[1] = 0x200;
            Assert.Throws<InvalidDataException>(() => ElfGotHooks.FindSlots((nint)image, (nint)image, new HashSet<string> { "open" }, Architecture.X64));
        }
        finally
        {
            NativeMemory.Free(image);
        }
    }

    [Fact]
    public unsafe void Patch_WritesEverySlot_OrRestoresThemAll()
    {
        Require.Service(OperatingSystem.IsLinux(), "reads /proc/self/maps", "Run it on Linux (x64 or arm64), where CI runs.");
        nint* slots = (nint*)NativeMemory.AllocZeroed(4, (nuint)sizeof(nint));
        try
        {
            slots[0] = 11;
            slots[1] = 22;
            ElfGotHooks.Patch([((nint)(&slots[0]), 111), ((nint)(&slots[1]), 222)]);
            Assert.Equal(111, ElfGotHooks.Read((nint)(&slots[0])));
            Assert.Equal(222, ElfGotHooks.Read((nint)(&slots[1])));

            // The second slot is in no mapping: the first write is undone.
            Assert.Throws<IOException>(() => ElfGotHooks.Patch([((nint)(&slots[0]), 333), (8, 444)]));
            Assert.Equal(111, ElfGotHooks.Read((nint)(&slots[0])));
        }
        finally
        {
            NativeMemory.Free(slots);
        }
    }

    [Fact]
    public async Task Install_RedirectsLibduckdbsFileCallsAwayFromLibc_Idempotently()
    {
        Require.Service(ElfGotHooks.IsPlatformSupported, "GOT hooking is Linux x64/arm64 only.", "Run it on Linux (x64 or arm64), where CI runs.");
        await using (PpmlContext context = await PpmlContext.OpenAsync(_fixture.Kms, new PpmlContextOptions { Spill = SpillMode.Encrypted }, TestContext.Current.CancellationToken))
        {
            Assert.True(context.CanSpill);
        }

        Assert.True(SpillHooks.TryEnsureInstalled(out string? reason), reason);
        Assert.True(SpillHooks.TryEnsureInstalled(out reason), reason);

        IReadOnlyList<ElfGotHooks.LoadedModule> modules = ElfGotHooks.FindModules(SpillHooks.ModuleSuffix);
        ElfGotHooks.LoadedModule duckdb = Assert.Single(modules);
        string[] names = ["open", "close", "pread", "pwrite", "ftruncate", "unlink"];
        IReadOnlyList<ElfGotHooks.GotSlot> slots = ElfGotHooks.FindSlots(duckdb.LoadBase, duckdb.Dynamic, names.ToHashSet(), RuntimeInformation.ProcessArchitecture);
        Assert.Equal(names.Order(), slots.Select(s => s.Symbol).Distinct().Order());

        nint libc = NativeLibrary.Load("libc.so.6");
        foreach (ElfGotHooks.GotSlot slot in slots)
        {
            Assert.True(slot.Address > duckdb.LoadBase, $"{slot.Symbol}'s slot lies before the module");
            Assert.NotEqual(NativeLibrary.GetExport(libc, slot.Symbol), ElfGotHooks.Read(slot.Address));
        }

        // Every slot of one symbol points to the same hook.
        Assert.All(slots.GroupBy(s => s.Symbol), group => Assert.Single(group.Select(s => ElfGotHooks.Read(s.Address)).Distinct()));

        // A slot overwritten behind our back (as the lazy binder could, racing the install) is put back before the next
        // spill file opens. unlink: the one whose brief loss is harmless to tests running beside this one.
        ElfGotHooks.GotSlot unlink = slots.First(s => s.Symbol == "unlink");
        nint hook = ElfGotHooks.Read(unlink.Address);
        ElfGotHooks.Patch([(unlink.Address, NativeLibrary.GetExport(libc, "unlink"))]);
        Assert.True(SpillHooks.VerifyInstalled());
        Assert.Equal(hook, ElfGotHooks.Read(unlink.Address));
    }

    /// <summary>
    /// A minimal image: dynamic section at 0, symbols at 0x200 (null, pread, malloc, pwrite), strings at 0x400, two
    /// JUMP_SLOTs at 0x600 (pread, malloc), a GLOB_DAT for pwrite and a RELATIVE at 0x700; GOT slots at 0x800.
    /// </summary>
    private static unsafe byte* BuildImage(bool absolutePointers, uint jumpSlot, uint globalData)
    {
        byte* image = (byte*)NativeMemory.AllocZeroed(ImageSize);
        long bias = absolutePointers ? (long)image : 0;
        long* dynamic = (long*)image;
        long[] entries =
        [
            5, bias + 0x400, // DT_STRTAB
            6, bias + 0x200, // DT_SYMTAB
            23, bias + 0x600, // DT_JMPREL
            2, 2 * 24, // DT_PLTRELSZ
            20, 7, // DT_PLTREL = DT_RELA
            7, bias + 0x700, // DT_RELA
            8, 2 * 24, // DT_RELASZ
            9, 24, // DT_RELAENT
            11, 24, // DT_SYMENT
            0, 0, // DT_NULL
        ];
        entries.CopyTo(new Span<long>(dynamic, entries.Length));

        byte[] strings = Encoding.ASCII.GetBytes("\0pread\0malloc\0pwrite\0");
        strings.CopyTo(new Span<byte>(image + 0x400, strings.Length));
        uint[] nameOffsets = [0, 1, 7, 14];
        for (int i = 0; i < nameOffsets.Length; i++)
        {
            *(uint*)(image + 0x200 + (i * 24)) = nameOffsets[i];
        }

        WriteRela(image + 0x600, 0x800, 1, jumpSlot);
        WriteRela(image + 0x618, 0x808, 2, jumpSlot);
        WriteRela(image + 0x700, 0x810, 3, globalData);
        WriteRela(image + 0x718, 0x818, 0, 8); // R_X86_64_RELATIVE: no symbol
        return image;
    }

    private static unsafe void WriteRela(byte* at, ulong offset, uint symbol, uint type)
    {
        *(ulong*)at = offset;
        *(ulong*)(at + 8) = ((ulong)symbol << 32) | type;
    }
}
