using System.Text;
using Ppml.Data.Tpch.Generation;

namespace Ppml.Data.Tpch.Tests;

public sealed class TextPoolTests
{
    [Fact]
    public void Default_Size_IsDbgens300MiB()
    {
        Assert.Equal(300 * 1024 * 1024, TextPool.Default.Size);
    }

    [Fact]
    public void Constructor_SmallerPool_IsAPrefixOfTheDefaultExceptTheCutSentence()
    {
        var small = new TextPool(64 * 1024);

        // The pool is one sentence stream; a smaller pool only cuts its last sentence shorter.
        int lastSentenceStart = small.Text.LastIndexOf(". "u8) + 2;
        Assert.True(lastSentenceStart > 60 * 1024);
        Assert.True(small.Text[..lastSentenceStart].SequenceEqual(TextPool.Default.Text[..lastSentenceStart]));
    }

    [Fact]
    public void Text_Sentences_UseOnlyTheGrammarsWordsAndPunctuation()
    {
        var pool = new TextPool(256 * 1024);
        string text = Encoding.ASCII.GetString(pool.Text);
        var words = new HashSet<string>(StringComparer.Ordinal) { "the" };
        foreach (Distribution distribution in new[]
        {
            Distributions.Nouns, Distributions.Verbs, Distributions.Adjectives, Distributions.Adverbs,
            Distributions.Articles, Distributions.Prepositions, Distributions.Auxiliaries,
        })
        {
            foreach (string value in distribution.Values)
            {
                foreach (string word in value.Split(' '))
                {
                    words.Add(word);
                }
            }
        }

        string[] tokens = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (string token in tokens[..^1])
        {
            string word = token.TrimEnd('.', ';', ':', '?', '!', ',', '-');
            Assert.True(words.Contains(word), $"'{token}' is not built from the grammar's word lists.");
        }

        Assert.DoesNotContain("  ", text, StringComparison.Ordinal);
    }
}
