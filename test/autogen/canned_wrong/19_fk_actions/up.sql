-- forgets ON UPDATE CASCADE: the runner must report "up" with the dump difference
ALTER TABLE public.player DROP CONSTRAINT player_team_id_fkey;
ALTER TABLE public.player ADD CONSTRAINT player_team_id_fkey FOREIGN KEY (team_id) REFERENCES public.team(id) ON DELETE SET NULL;
ALTER TABLE public.player ADD CONSTRAINT player_mentor_id_fkey FOREIGN KEY (mentor_id) REFERENCES public.player(id) ON DELETE CASCADE;
