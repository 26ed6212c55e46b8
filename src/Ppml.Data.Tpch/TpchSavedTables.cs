namespace Ppml.Data.Tpch;

/// <summary>What a TPC-H run does with saved tables (<see cref="TpchDataset.SavedTablesPath"/>).</summary>
public enum TpchSavedTables
{
    /// <summary>Attach saved tables when they were saved from exactly these parts; otherwise load the parts.</summary>
    Use,

    /// <summary>As <see cref="Use"/>, and when the parts were loaded, save the tables for the next run.</summary>
    UseOrSave,

    /// <summary>Always load the parts; neither read nor write saved tables.</summary>
    Ignore,
}
