namespace Ppml.Data.Tpch.Generation;

/// <summary>
/// dbgen's pre-generated text (text.c <c>dbg_text</c>): 300 MiB of pseudo-English sentences produced from the
/// TPC-H grammar (Clause 4.2.2.13) with stream 5 (seed 933588178). Every comment column is a random slice of
/// it: an offset in [0, size − max] and a length in [min, max], two draws of the column's stream.
/// </summary>
/// <remarks>
/// Built once per process on first use (about a second per 100 MiB) and shared by every generator; it is
/// read-only afterwards, so concurrent readers need no locking. It is the generator's one large allocation.
/// </remarks>
internal sealed class TextPool
{
    /// <summary>dbgen's <c>TEXT_POOL_SIZE</c>: 300 MiB.</summary>
    public const int DefaultSize = 300 * 1024 * 1024;

    private const long PoolSeed = 933588178;

    /// <summary>The longest sentence the grammar can produce is well under dbgen's MAX_SENT_LEN (256).</summary>
    private const int MaxSentenceLength = 256;

    private static readonly Lazy<TextPool> DefaultPool = new(() => new TextPool(DefaultSize), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly byte[] _text;

    internal TextPool(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, MaxSentenceLength);
        _text = Generate(size);
    }

    /// <summary>The shared 300 MiB pool, identical to dbgen's.</summary>
    public static TextPool Default => DefaultPool.Value;

    public int Size => _text.Length;

    /// <summary>The pool's bytes (ASCII).</summary>
    public ReadOnlySpan<byte> Text => _text;

    /// <summary>
    /// dbgen's <c>TEXT(avg, stream)</c>: a slice of length [0.4·avg, 1.6·avg] at a random offset; two draws.
    /// </summary>
    public ReadOnlySpan<byte> Slice(ref DbgenRandom random, in TextLength length)
    {
        (int offset, int count) = Draw(ref random, length);
        return new ReadOnlySpan<byte>(_text, offset, count);
    }

    /// <summary>The two draws of <c>Slice</c>, for callers that keep the slice for later.</summary>
    public (int Offset, int Length) Draw(ref DbgenRandom random, in TextLength length)
    {
        int offset = random.NextInt(0, _text.Length - length.Max);
        int count = random.NextInt(length.Min, length.Max);
        return (offset, count);
    }

    public ReadOnlySpan<byte> Slice(int offset, int length) => new(_text, offset, length);

    private static byte[] Generate(int size)
    {
        // Sentences are written straight into the pool; the last one is cut to fit, as dbgen does.
        byte[] text = new byte[size];
        byte[] sentence = new byte[MaxSentenceLength * 2];
        var random = new DbgenRandom(PoolSeed, 1);
        int length = 0;
        while (length < size)
        {
            int sentenceLength = WriteSentence(ref random, sentence);
            int needed = size - length;
            if (needed >= sentenceLength + 1)
            {
                sentence.AsSpan(0, sentenceLength).CopyTo(text.AsSpan(length));
                length += sentenceLength;
                text[length++] = (byte)' ';
            }
            else
            {
                sentence.AsSpan(0, needed).CopyTo(text.AsSpan(length));
                length += needed;
            }
        }

        return text;
    }

    /// <summary>text.c <c>txt_sentence</c>: one sentence, without its trailing space; returns its length.</summary>
    private static int WriteSentence(ref DbgenRandom random, Span<byte> destination)
    {
        int length = 0;
        foreach (char token in SentenceForms[Distributions.Grammar.Pick(ref random)])
        {
            switch (token)
            {
                case 'N':
                    length = WritePhrase(NounPhraseForms, ref random, destination, length);
                    break;
                case 'V':
                    length = WritePhrase(VerbPhraseForms, ref random, destination, length);
                    break;
                case 'P':
                    length = Append(destination, length, Pick(Distributions.Prepositions, ref random));
                    length = Append(destination, length, " the "u8);
                    length = WritePhrase(NounPhraseForms, ref random, destination, length);
                    break;
                case 'T':
                    // Terminators abut the previous word: overwrite the trailing space.
                    length = Append(destination, length - 1, Pick(Distributions.Terminators, ref random));
                    break;
                default:
                    throw new InvalidOperationException($"Unknown grammar token '{token}'.");
            }
        }

        // Every form ends with T, so the sentence has no trailing space.
        return length;
    }

    /// <summary>
    /// text.c <c>txt_np</c> and <c>txt_vp</c>: pick a phrase form, then a word per part of speech, each followed
    /// by its punctuation (noun phrases only: "J, J N") and a space.
    /// </summary>
    private static int WritePhrase(PhraseForm[] forms, ref DbgenRandom random, Span<byte> destination, int length)
    {
        PhraseForm form = forms[forms[0].Source.Pick(ref random)];
        foreach ((Distribution words, byte punctuation) in form.Words)
        {
            length = Append(destination, length, Pick(words, ref random));
            if (punctuation != 0)
            {
                destination[length++] = punctuation;
            }

            destination[length++] = (byte)' ';
        }

        return length;
    }

    private static readonly string[] SentenceForms =
        [.. Distributions.Grammar.Values.Select(form => form.Replace(" ", string.Empty, StringComparison.Ordinal))];

    private static readonly PhraseForm[] NounPhraseForms = PhraseForm.Parse(
        Distributions.NounPhrases,
        symbol => symbol switch
        {
            'A' => Distributions.Articles,
            'J' => Distributions.Adjectives,
            'D' => Distributions.Adverbs,
            'N' => Distributions.Nouns,
            _ => null,
        });

    // dists.dss verb phrases carry no punctuation; text.c's txt_vp would overwrite it with the space anyway,
    // so PhraseForm.Parse rejects it rather than guess.
    private static readonly PhraseForm[] VerbPhraseForms = PhraseForm.Parse(
        Distributions.VerbPhrases,
        symbol => symbol switch
        {
            'D' => Distributions.Adverbs,
            'V' => Distributions.Verbs,
            'X' => Distributions.Auxiliaries,
            _ => null,
        },
        allowPunctuation: false);

    /// <summary>A parsed phrase form such as "J, J N": the word list of each part of speech and its punctuation.</summary>
    private sealed record PhraseForm(Distribution Source, (Distribution Words, byte Punctuation)[] Words)
    {
        public static PhraseForm[] Parse(Distribution forms, Func<char, Distribution?> partOfSpeech, bool allowPunctuation = true)
        {
            var parsed = new PhraseForm[forms.Count];
            for (int i = 0; i < forms.Count; i++)
            {
                string[] parts = forms.Values[i].Split(' ');
                var words = new (Distribution, byte)[parts.Length];
                for (int j = 0; j < parts.Length; j++)
                {
                    string part = parts[j];
                    Distribution source = partOfSpeech(part[0])
                        ?? throw new InvalidOperationException($"Unknown part of speech '{part[0]}' in {forms.Name} form '{forms.Values[i]}'.");
                    if (part.Length > 2 || (part.Length == 2 && !allowPunctuation))
                    {
                        throw new InvalidOperationException($"Unsupported punctuation in {forms.Name} form '{forms.Values[i]}'.");
                    }

                    words[j] = (source, part.Length == 2 ? (byte)part[1] : (byte)0);
                }

                parsed[i] = new PhraseForm(forms, words);
            }

            return parsed;
        }
    }

    private static ReadOnlySpan<byte> Pick(Distribution distribution, ref DbgenRandom random) =>
        distribution.Utf8Values[distribution.Pick(ref random)];

    private static int Append(Span<byte> destination, int length, ReadOnlySpan<byte> value)
    {
        value.CopyTo(destination[length..]);
        return length + value.Length;
    }
}
