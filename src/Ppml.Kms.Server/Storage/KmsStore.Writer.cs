using Microsoft.Data.Sqlite;

namespace Ppml.Kms.Server.Storage;

/// <summary>The group-commit writer.</summary>
internal sealed partial class KmsStore
{
    private Task<T> WriteAsync<T>(AuditEntry audit, Func<SqliteTransaction, T> apply, Action<T>? afterCommit) =>
        EnqueueAsync<T>(new WriteItem
        {
            Audit = audit,
            Apply = transaction => apply(transaction),
            AfterCommit = afterCommit is null ? null : result => afterCommit((T)result!),
        });

    private async Task<T> EnqueueAsync<T>(WriteItem item)
    {
        if (Volatile.Read(ref _disposed) != 0 || !_queue.Writer.TryWrite(item))
        {
            throw new KmsException(KmsErrorCode.ServiceUnavailable, "The KMS store is shutting down; retry against the restarted server.");
        }

        return (T)(await item.Completion.Task.ConfigureAwait(false))!;
    }

    private Task<object?> EnqueueAsync(WriteItem item) => EnqueueAsync<object?>(item);

    private async Task RunWriterAsync()
    {
        var batch = new List<WriteItem>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out WriteItem? item))
            {
                batch.Add(item);
            }

            CommitBatch(batch);
        }
    }

    private void CommitBatch(List<WriteItem> batch)
    {
        long sequence = _auditSequence;
        byte[] head = _auditHead;
        try
        {
            using SqliteTransaction transaction = _writer.BeginTransaction();
            using SqliteCommand audit = _writer.CreateCommand();
            audit.Transaction = transaction;
            audit.CommandText = "INSERT INTO audit (seq, at, app, action, target, result, hash) VALUES ($seq, $at, $app, $action, $target, $result, $hash)";
            SqliteParameter seqParameter = audit.Parameters.Add("$seq", SqliteType.Integer);
            SqliteParameter atParameter = audit.Parameters.Add("$at", SqliteType.Integer);
            SqliteParameter appParameter = audit.Parameters.Add("$app", SqliteType.Text);
            SqliteParameter actionParameter = audit.Parameters.Add("$action", SqliteType.Text);
            SqliteParameter targetParameter = audit.Parameters.Add("$target", SqliteType.Text);
            SqliteParameter resultParameter = audit.Parameters.Add("$result", SqliteType.Text);
            SqliteParameter hashParameter = audit.Parameters.Add("$hash", SqliteType.Blob);
            audit.Prepare();

            foreach (WriteItem item in batch)
            {
                string result = item.FixedResult ?? "ok";
                if (item.Apply is not null)
                {
                    transaction.Save("item");
                    try
                    {
                        item.Result = item.Apply(transaction);
                        transaction.Release("item");
                    }
                    catch (Exception exception) when (exception is KmsException or SqliteException)
                    {
                        transaction.Rollback("item");
                        transaction.Release("item");
                        item.Error = exception is SqliteException sqlite && sqlite.SqliteErrorCode == 19
                            ? new KmsException(KmsErrorCode.Conflict, $"{item.Audit.Action} of '{item.Audit.Target}' conflicts with a concurrent change; retry.", exception)
                            : exception;
                        result = item.Error is KmsException kms ? kms.Code.ToString() : "StoreError";
                    }
                }

                long at = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
                sequence++;
                head = AuditChain.Next(head, sequence, at, item.Audit.Application, item.Audit.Action, item.Audit.Target, result);
                seqParameter.Value = sequence;
                atParameter.Value = at;
                appParameter.Value = item.Audit.Application;
                actionParameter.Value = item.Audit.Action;
                targetParameter.Value = item.Audit.Target;
                resultParameter.Value = result;
                hashParameter.Value = head;
                audit.ExecuteNonQuery();
            }

            transaction.Commit();
        }
        catch (Exception exception) when (exception is SqliteException or InvalidOperationException or IOException)
        {
            _logger.StoreCommitFailed(exception, batch.Count);
            int lostReads = 0;
            foreach (WriteItem item in batch)
            {
                if (item.IsDeferred)
                {
                    lostReads++;
                    continue;
                }

                item.Completion.TrySetException(new KmsException(
                    KmsErrorCode.StoreUnavailable, "The KMS store could not commit the change (see the server log); nothing was changed. Retry.", exception));
            }

            if (lostReads > 0)
            {
                Interlocked.Add(ref _pendingReadAudits, -lostReads);
                _logger.ReadAuditsLost(lostReads);
            }

            return;
        }

        Interlocked.Exchange(ref _auditSequence, sequence);
        _auditHead = head;
        foreach (WriteItem item in batch)
        {
            if (item.IsDeferred)
            {
                // Answered before the commit; nobody awaits it.
                Interlocked.Decrement(ref _pendingReadAudits);
                continue;
            }

            if (item.Error is not null)
            {
                item.Completion.TrySetException(item.Error);
                continue;
            }

            item.AfterCommit?.Invoke(item.Result);
            item.Completion.TrySetResult(item.Result);
        }
    }

    private sealed class WriteItem
    {
        public required AuditEntry Audit { get; init; }

        public Func<SqliteTransaction, object?>? Apply { get; init; }

        public string? FixedResult { get; init; }

        /// <summary>A read's audit record whose caller was answered without waiting for the commit (<see cref="AuditReadAsync"/>).</summary>
        public bool IsDeferred { get; init; }

        public Action<object?>? AfterCommit { get; init; }

        public TaskCompletionSource<object?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public object? Result { get; set; }

        public Exception? Error { get; set; }
    }
}
