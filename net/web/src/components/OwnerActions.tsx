// Channel page: "Add friend" / "Message" / "Block" for the channel's owner, for signed-in
// accounts other than the owner. The friend button follows the relation: Add friend, Cancel
// request, Accept friend or Friends (a click unfriends, after a confirm).
import { hasAccount, useSession } from '../auth';
import { relationOf, type Relation } from '../friendsApi';
import { messagesPath } from '../router';
import { useFriends, type FriendAction } from './useFriends';

const FRIEND_BUTTON: Record<Exclude<Relation, 'blocked'>, { label: string; action: FriendAction; primary: boolean }> = {
  none: { label: 'Add friend', action: 'add', primary: true },
  outgoing: { label: 'Cancel request', action: 'remove', primary: false },
  incoming: { label: 'Accept friend', action: 'accept', primary: true },
  friends: { label: 'Friends ✓', action: 'remove', primary: false },
};

export function OwnerActions({ owner }: { owner: string }) {
  const session = useSession();
  if (!hasAccount(session) || session.username === owner || owner === 'admin') return null;
  return <Actions key={session.token} token={session.token} owner={owner} />;
}

function Actions({ token, owner }: { token: string; owner: string }) {
  const friends = useFriends(token);
  const relation = relationOf(friends.lists, owner);
  const busy = !friends.loaded || friends.busy === owner;
  const error = friends.error?.user === owner ? friends.error.text : null;
  const button = relation === 'blocked' ? null : FRIEND_BUTTON[relation];
  return (
    <div class="owner-actions" id="owner-actions" data-owner={owner} data-relation={friends.loaded ? relation : 'loading'}>
      {button && (
        <button
          type="button"
          class={button.primary ? 'btn btn-primary' : 'btn'}
          data-testid="friend-button"
          data-state={relation}
          disabled={busy}
          title={relation === 'friends' ? `Remove ${owner} from your friends` : undefined}
          onClick={() => {
            if (relation === 'friends' && !window.confirm(`Remove ${owner} from your friends?`)) return;
            void friends.act(owner, button.action);
          }}
        >
          {button.label}
        </button>
      )}
      {relation !== 'blocked' && (
        <a class="btn" href={messagesPath(owner)} data-testid="message-button">
          Message
        </a>
      )}
      <button
        type="button"
        class={relation === 'blocked' ? 'btn' : 'btn btn-danger'}
        data-testid="block-button"
        data-state={relation === 'blocked' ? 'blocked' : 'none'}
        disabled={busy}
        onClick={() => {
          const block = relation !== 'blocked';
          if (block && !window.confirm(`Block ${owner}? You will not be friends, and neither of you can message the other.`)) return;
          void friends.act(owner, block ? 'block' : 'unblock');
        }}
      >
        {relation === 'blocked' ? 'Unblock' : 'Block'}
      </button>
      {error && (
        <span class="form-error" role="alert" data-testid="owner-action-error">
          {error}
        </span>
      )}
    </div>
  );
}
