"""Demo data: ticket problems, texts and notes by language, status weights and recency."""

from __future__ import annotations

from typing import Any

from client.models import (
    ContactMeans,
    TicketStatus,
)
from server.demo.data import (
    S,
)

PROBLEMS: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        "hobs": (
            "Le brûleur avant gauche ne s'allume plus",
            "L'allumage électrique claque en continu",
            "Odeur de gaz à l'allumage",
            "La flamme s'éteint dès qu'on relâche la manette",
            "Une manette tourne dans le vide",
            "La zone induction arrière affiche F47",
        ),
        "ovens": (
            "Le four ne chauffe plus",
            "La porte ne ferme plus correctement",
            "Le ventilateur fait un bruit anormal",
            "La lampe intérieure ne s'allume plus",
            "Le programmateur ne répond plus",
            "La pyrolyse s'arrête au bout de 10 minutes",
            "La vitre extérieure est fêlée",
        ),
        "cookers": (
            "Le four chauffe mais les brûleurs ne s'allument plus",
            "Le thermostat du four ne régule plus la température",
            "Un brûleur fait des flammes jaunes",
            "Le tournebroche ne tourne plus",
        ),
        "dishwashers": (
            "N'évacue plus l'eau en fin de cycle",
            "Fuite d'eau sous la porte",
            "Affiche une erreur E3",
            "La vaisselle reste sale",
            "L'eau ne chauffe pas",
            "Le panier supérieur ne coulisse plus",
        ),
        "fridges": (
            "Ne refroidit plus",
            "Givre sur la paroi du fond",
            "Le joint de porte est déchiré",
            "Le compresseur fait du bruit",
            "Eau au fond du bac à légumes",
            "La lumière intérieure ne fonctionne plus",
        ),
        "washing_machines": (
            "Ne vidange plus",
            "Le tambour ne tourne plus",
            "Fuite au niveau du hublot",
            "Bruit très fort à l'essorage",
            "Le hublot reste verrouillé en fin de cycle",
        ),
        "hoods": (
            "Le moteur ne démarre plus",
            "L'éclairage ne fonctionne plus",
            "Aspiration très faible",
            "Vibrations et bruit au démarrage",
        ),
        "microwaves": (
            "Ne chauffe plus",
            "Le plateau ne tourne plus",
            "Étincelles à l'intérieur",
            "L'affichage reste éteint",
        ),
    },
    "it": {
        "hobs": (
            "Il bruciatore anteriore sinistro non si accende",
            "L'accensione elettrica scatta in continuazione",
            "La fiamma si spegne quando si rilascia la manopola",
        ),
        "ovens": (
            "Il forno non scalda più",
            "La porta non chiude bene",
            "La ventola fa un rumore anomalo",
            "La lampada interna non si accende",
        ),
        "cookers": (
            "I bruciatori non si accendono",
            "Il termostato del forno non regola",
            "Fiamma gialla su un bruciatore",
        ),
        "dishwashers": (
            "Non scarica l'acqua",
            "Perdita d'acqua sotto la porta",
            "Errore E3 sul display",
            "Le stoviglie restano sporche",
        ),
        "fridges": (
            "Non raffredda più",
            "Brina sulla parete di fondo",
            "La guarnizione della porta è strappata",
            "Il compressore è rumoroso",
        ),
        "washing_machines": (
            "Non scarica",
            "Il cestello non gira",
            "Perdita dall'oblò",
            "Rumore forte in centrifuga",
        ),
        "hoods": (
            "Il motore non parte",
            "L'illuminazione non funziona",
            "Aspirazione molto debole",
        ),
        "microwaves": ("Non scalda più", "Il piatto non gira", "Scintille all'interno"),
    },
}
TICKET_TYPES = {
    "fr": ("Réparation",) * 6 + ("Installation", "Contrôle", "Réclamation", ""),
    "it": ("Riparazione",) * 6 + ("Installazione", "Controllo", "Reclamo", ""),
}
TEXTS: dict[str, dict[str, Any]] = {
    "fr": {
        "unreachable_msgs": (
            "pas de réponse, message laissé",
            "messagerie pleine",
            "pas de réponse",
            "SMS envoyé, sans retour",
        ),
        "appointment_notes": (
            "3e étage sans ascenseur",
            "Code portail 2580",
            "Se garer dans la cour",
            "Client présent uniquement le matin",
            "Prévenir 30 min avant",
        ),
        "reject_reasons": (
            "numéro de série manquant",
            "photo de la plaque signalétique manquante",
            "pièces utilisées non renseignées",
            "facture d'achat illisible",
        ),
        "exchange_reasons": (
            "pièce indisponible",
            "appareil irréparable",
            "troisième panne sous garantie",
            "réparation plus chère que l'appareil",
        ),
        "cancel_reasons": (
            "erreur opérateur",
            "doublon",
            "annulé par le client",
            "hors zone d'intervention",
            "devis refusé par le client",
        ),
        "notes": (
            "Appel le {date}, pas de réponse, message laissé",
            "Client rappelé, rendez-vous confirmé",
            "Le client demande à être rappelé après 18 h",
            "Client informé du délai de livraison",
            "Devis envoyé au client",
            "Photo de la plaque signalétique reçue",
            "Le revendeur demande un suivi",
        ),
        "email": "Informations transmises au revendeur",
        "appliance_update": (
            "Numéro de série corrigé d'après la plaque signalétique",
            "Date d'achat corrigée d'après la facture",
        ),
        "faults": (
            "Composant défectueux",
            "Court-circuit",
            "Usure",
            "Fuite",
            "Grippage",
            "Casse",
            "Encrassement",
        ),
        "no_fault": ("Aucun défaut constaté", "Mauvaise utilisation"),
        "work_part": "Remplacement : {part}. Essais OK.",
        "work_repair": (
            "Nettoyage et réglage, essais OK",
            "Resserrage des connexions",
            "Réglage de la porte et du joint",
            "Débouchage et nettoyage du filtre",
        ),
        "work_none": ("Démonstration d'utilisation au client", "Contrôle complet, aucun défaut"),
        "exchange_work": "Appareil échangé",
        "whole_appliance": "Appareil complet",
        "order_note": ("Réassort", "Urgent : client sans appareil", "Commande groupée", ""),
    },
    "it": {
        "unreachable_msgs": (
            "nessuna risposta, messaggio lasciato",
            "segreteria piena",
            "nessuna risposta",
        ),
        "appointment_notes": (
            "Terzo piano senza ascensore",
            "Citofonare a Bianchi",
            "Cliente presente solo al mattino",
        ),
        "reject_reasons": ("numero di serie mancante", "ricambi usati non indicati"),
        "exchange_reasons": ("ricambio non disponibile", "apparecchio non riparabile"),
        "cancel_reasons": ("errore operatore", "duplicato", "annullato dal cliente"),
        "notes": (
            "Chiamato il {date}, nessuna risposta",
            "Cliente richiamato, appuntamento confermato",
            "Cliente informato dei tempi di consegna",
            "Preventivo inviato al cliente",
        ),
        "email": "Informazioni inviate al rivenditore",
        "appliance_update": (
            "Numero di serie corretto dalla targhetta",
            "Data di acquisto corretta dalla fattura",
        ),
        "faults": ("Componente difettoso", "Cortocircuito", "Usura", "Perdita", "Rottura"),
        "no_fault": ("Nessun difetto riscontrato", "Uso improprio"),
        "work_part": "Sostituzione: {part}. Prove OK.",
        "work_repair": ("Pulizia e regolazione, prove OK", "Serraggio dei collegamenti"),
        "work_none": ("Dimostrazione d'uso al cliente",),
        "exchange_work": "Apparecchio sostituito",
        "whole_appliance": "Apparecchio completo",
        "order_note": ("Riassortimento", "Urgente", ""),
    },
}
CONTACT_MEANS_ORDER = (ContactMeans.PHONE, ContactMeans.SMS, ContactMeans.EMAIL)
APPOINTMENT_HOURS = (6, 7, 8, 9, 11, 12, 13, 14, 15)  # UTC: 8:00-17:00 in France and Italy

# status weights of generated tickets
STATUS_WEIGHTS: dict[str, int] = {
    S.TO_ASSIGN: 5,
    S.TO_CONTACT: 13,
    S.UNREACHABLE: 5,
    S.CONFIRMED: 14,
    S.WAITING_PARTS: 8,
    S.EXCHANGE_REQUESTED: 3,
    S.CLOSED: 8,
    S.VERIFIED: 10,
    S.INVOICED: 24,
    S.CANCELLED: 10,
}
ALL_STATUSES = tuple(s.value for s in TicketStatus)
# hours between a ticket's last status change and now, by status (to_contact: see _recency)
RECENCY_HOURS: dict[str, tuple[float, float]] = {
    S.TO_ASSIGN: (0.05, 60),
    S.UNREACHABLE: (1, 96),
    S.CONFIRMED: (1, 240),
    S.WAITING_PARTS: (24, 480),
    S.EXCHANGE_REQUESTED: (24, 360),
    S.CLOSED: (1, 240),
    S.VERIFIED: (12, 1200),
    S.INVOICED: (24, 24 * 540),
    S.CANCELLED: (1, 24 * 400),
}
