using Collaboration.Events;

namespace Collaboration.EventSourcing;

/// <summary>
/// A grain state that is a pure fold of its stream: the same events in any order give the same state, so a grain
/// can always be rebuilt from the journal. Snapshots are only a cache of the fold.
/// </summary>
public interface IFold<TSelf> where TSelf : IFold<TSelf>
{
    void Apply(IStreamEvent streamEvent);

    byte[] ToSnapshot();

    static abstract TSelf FromSnapshot(byte[] data);
}
