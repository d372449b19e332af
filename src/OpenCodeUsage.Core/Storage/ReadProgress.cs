namespace OpenCodeUsage.Storage;

/// <summary>How far a read has got, for progress bars.</summary>
/// <param name="Activity">What is being read, e.g. the database path.</param>
/// <param name="StoresDone">Stores finished so far.</param>
/// <param name="StoresTotal">Stores to read.</param>
/// <param name="Sessions">Sessions found.</param>
/// <param name="Messages">Messages read from the current store.</param>
/// <param name="MessagesTotal">About how many message rows the current store holds (its highest rowid); 0 when unknown.</param>
public readonly record struct ReadProgress(string Activity, int StoresDone, int StoresTotal, int Sessions, long Messages, long MessagesTotal = 0);
