// The channel page's org strip (docs/organisations.md, Web): the orgs the channel belongs to
// (name and logo, linking to the org's page) and which other channels of each org are live now
// ("Also live from <org>", with the member streaming there when a member key is in use).
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { fetchChannel, type Channel } from '../api';
import { request } from '../accountApi';
import { apiUrl } from '../apps/api';
import { startPolling } from '../poll';
import { fetchOrg } from './api';
import { alsoLive, channelsToAsk, parseMemberLive, STRIP_ORGS_MAX, type AlsoLive } from './live';
import { brandStyle, orgLogoUrl, orgPath, parseSummary, type OrgSummary } from './model';
import './orgs.css';

/** How often the strip asks again (a channel's page stays open for hours). */
export const ORG_STRIP_POLL_MS = 30_000;

interface StripOrg {
  org: OrgSummary;
  live: AlsoLive[];
}

async function orgsOf(channel: string): Promise<OrgSummary[]> {
  const body = await request('GET', `${apiUrl('get', '/orgs', {})}?channel=${encodeURIComponent(channel)}&limit=${STRIP_ORGS_MAX}`);
  const list = (body as { orgs?: unknown } | null)?.orgs;
  return (Array.isArray(list) ? list : []).map(parseSummary).filter((o): o is OrgSummary => o !== null);
}

async function liveOf(org: OrgSummary, channel: string, signal: AbortSignal): Promise<StripOrg> {
  const [full, members] = await Promise.all([
    fetchOrg(null, org.slug),
    request('GET', apiUrl('get', '/orgs/{org}/live', { org: org.slug })).then(parseMemberLive, () => []),
  ]);
  const channels = await Promise.all(channelsToAsk(full.channels, channel).map((c) => fetchChannel(c, signal).catch(() => null)));
  return { org, live: alsoLive(channel, channels.filter((c): c is Channel => c !== null), members) };
}

export function OrgStrip({ channel }: { channel: string }) {
  const [orgs, setOrgs] = useState<StripOrg[]>([]);
  useEffect(() => {
    setOrgs([]);
    const poller = startPolling(
      async (signal) => {
        const mine = await orgsOf(channel);
        // A channel in no org (or no longer in one): nothing to show, and nothing to ask again
        // while the page is open.
        if (mine.length === 0) {
          setOrgs([]);
          return poller.stop();
        }
        const found = await Promise.all(mine.map((o) => liveOf(o, channel, signal)));
        if (!signal.aborted) setOrgs(found);
      },
      { intervalMs: ORG_STRIP_POLL_MS, onError: () => {} },
    );
    return () => poller.stop();
  }, [channel]);
  if (orgs.length === 0) return null;
  return (
    <section class="org-strip" id="org-strip">
      {orgs.map(({ org, live }) => {
        const name = org.display_name || org.name;
        return (
          <div key={org.slug} class="org-strip-org" data-org={org.slug} style={brandStyle({ ...org, display_name: name, domain: null })}>
            <a class="org-strip-name" href={orgPath(org.slug)}>
              {org.logo && <img class="org-strip-logo" src={orgLogoUrl(org.slug)} alt="" width={24} height={24} />}
              <span>{name}</span>
            </a>
            {live.length > 0 && (
              <span class="org-strip-live" data-testid="org-also-live">
                Also live from {name}:{' '}
                {live.map((l, i) => (
                  <Fragment key={l.channel}>
                    {i > 0 && ', '}
                    <a href={`/c/${encodeURIComponent(l.channel)}`} data-channel={l.channel}>
                      🔴 {l.title || l.channel}
                      {l.streamer && ` (${l.streamer})`}
                    </a>
                  </Fragment>
                ))}
              </span>
            )}
          </div>
        );
      })}
    </section>
  );
}
