"""nbgrader's collect, trusting a submission only when its owner is the student it names.

In nbgrader's exchange every student may write into ``inbound/``, and a submission's folder name
(``<student>+<assignment>+<timestamp>+<random>``) says whose it is. Nothing stops alice from
creating ``bob+ngram+<a later time>+x`` there: nbgrader's collect, with its owner check on, only
warns "cheating attempt?" and collects it as bob's newest submission. :class:`OwnedCollect` skips
every folder not owned by the OS user it names (so bob's own newest submission is collected) and
says which it refused. It needs one OS user per student (a hub whose servers run as their users);
where all users share one account (docker-stacks' ``jovyan``), owners tell nobody apart.

Used through the course directory's configuration (hub/course/nbgrader_config.py)::

    c.ExchangeFactory.collect = "autograder.exchange.OwnedCollect"
"""
import os
import pwd

from nbgrader.exchange.default.collect import ExchangeCollect


class OwnedCollect(ExchangeCollect):
    def init_src(self):
        super().init_src()
        self.src_records = [r for r in self.src_records if self._owned(r)]

    def _sort_by_timestamp(self, records):
        """One student's submissions, their own newest first; refuses (and says so) the others,
        which :meth:`init_src` then leaves out when no submission of their own is left to pick."""
        for record in records:
            if not self._owned(record):
                self.log.warning("Refused %s: it names student %s but another user wrote it",
                                 record["filename"], record["username"])
        return sorted(records, key=lambda r: (self._owned(r), r["timestamp"]), reverse=True)

    def _owned(self, record):
        try:
            owner = os.lstat(os.path.join(self.inbound_path, record["filename"])).st_uid
            return pwd.getpwuid(owner).pw_name == record["username"]
        except (OSError, KeyError):
            return False
