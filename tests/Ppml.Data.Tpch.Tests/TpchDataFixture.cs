using DuckDB.NET.Data;
using Ppml.Testing;

namespace Ppml.Data.Tpch.Tests;

/// <summary>Generates a scale factor's .tbl files once into a temporary folder (in three parts, to exercise splitting).</summary>
public abstract class TpchDataFixture(double scaleFactor) : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    public double ScaleFactor { get; } = scaleFactor;

    public string Directory => _directory.Path;

    public TpchGenerationResult Result { get; private set; } = null!;

    /// <summary>An in-memory database with the generated tables, shared by tests that only read.</summary>
    public DuckDBConnection Connection { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Result = await TpchGenerator.GenerateToDirectoryAsync(
            new TpchGenerationOptions { ScaleFactor = ScaleFactor, Parts = 3 },
            Directory,
            cancellationToken: TestContext.Current.CancellationToken);
        Connection = await OpenLoadedAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>A new in-memory database holding the eight tables.</summary>
    public async Task<DuckDBConnection> OpenLoadedAsync(CancellationToken cancellationToken)
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync(cancellationToken);
        await TpchDuckDb.LoadDirectoryAsync(connection, Directory, cancellationToken: cancellationToken);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        _directory.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class TpchSf001Fixture() : TpchDataFixture(0.01);

public sealed class TpchSf01Fixture() : TpchDataFixture(0.1);
